package dev.realtimekit.testsupport;

import java.io.IOException;
import java.net.ServerSocket;

/** Free TCP ports for the servers the tests start. */
public final class Ports {

    private Ports() {
    }

    /** @return a port free right now whose companion, {@code port + offset}, is free too */
    public static int freeWithCompanion(int offset) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                int port = socket.getLocalPort();
                if (port + offset <= 65535 && isFree(port + offset)) {
                    return port;
                }
            }
        }
        throw new IOException("no free port with a free companion at +" + offset);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
