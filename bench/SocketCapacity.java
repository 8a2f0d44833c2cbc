import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * How many bytes a server can write to a client that stopped reading before its next write would block:
 * the bound under which the kit's blocking writes are safe (`realtime.send-window-bytes`, whose pings may
 * go up to twice the window). Plain JDK sockets on loopback, no Liberty: the server side writes frames
 * without blocking until the socket has taken nothing for a second, and prints what it took.
 *
 * <pre>
 * java bench/SocketCapacity.java CLIENT_RCVBUF FRAME_BYTES [SERVER_SNDBUF]
 * </pre>
 *
 * CLIENT_RCVBUF is the client's receive buffer (0: the system's default; a hostile client picks a small
 * one); SERVER_SNDBUF sets the server's send buffer, which switches off Linux's autotuning (Liberty sets
 * none). To see an Ethernet-sized segment on loopback, lower its MTU for the run (as root:
 * {@code ip link set lo mtu 1500}, and back to 65536 afterwards).
 */
public final class SocketCapacity {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java bench/SocketCapacity.java CLIENT_RCVBUF FRAME_BYTES [SERVER_SNDBUF]");
            System.exit(2);
        }
        int clientReceiveBuffer = Integer.parseInt(args[0]);
        int frameBytes = Integer.parseInt(args[1]);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            try (Socket client = new Socket()) {
                if (clientReceiveBuffer > 0) {
                    client.setReceiveBufferSize(clientReceiveBuffer); // before connecting, so the window scale fits it
                }
                client.connect(listener.getLocalAddress());
                try (SocketChannel server = listener.accept()) {
                    server.configureBlocking(false);
                    server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    if (args.length > 2) {
                        server.setOption(StandardSocketOptions.SO_SNDBUF, Integer.parseInt(args[2]));
                    }
                    long taken = fill(server, frameBytes);
                    System.out.printf("server send buffer %d, client receive buffer %d, frames of %d bytes: %d bytes taken before a write would block%n",
                            server.getOption(StandardSocketOptions.SO_SNDBUF), client.getReceiveBufferSize(), frameBytes, taken);
                }
            }
        }
    }

    /** Writes frames until the socket has taken nothing for a second (the client never reads). */
    private static long fill(SocketChannel server, int frameBytes) throws Exception {
        ByteBuffer frame = ByteBuffer.allocateDirect(frameBytes);
        long taken = 0;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() - lastProgress < 1_000_000_000L) {
            frame.clear();
            int written = server.write(frame);
            if (written > 0) {
                taken += written;
                lastProgress = System.nanoTime();
            } else {
                Thread.sleep(5); // the kernel may still be moving segments to the client's buffer
            }
        }
        return taken;
    }
}
