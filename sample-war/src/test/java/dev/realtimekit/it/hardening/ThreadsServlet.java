package dev.realtimekit.it.hardening;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Lists every live thread of the server's JVM, one per line: {@code id|name|context class loader|top
 * frames}, after a first line {@code self|<this WAR's class loader>}. Deployed in a WAR of its own so
 * that it can look before an application is deployed and after it is gone.
 */
@WebServlet("/threads")
public class ThreadsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        PrintWriter out = response.getWriter();
        out.println("self|" + getClass().getClassLoader());
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            StringBuilder frames = new StringBuilder();
            StackTraceElement[] stack = entry.getValue();
            for (int i = 0; i < Math.min(4, stack.length); i++) {
                frames.append(i == 0 ? "" : " < ").append(stack[i]);
            }
            ClassLoader loader = thread.getContextClassLoader();
            String loaderText = loader == null ? "none" : String.valueOf(loader).replace('\n', ' ').replace('|', '/');
            out.println(thread.getId() + "|" + thread.getName().replace('|', '/') + "|" + loaderText + "|" + frames);
        }
    }
}
