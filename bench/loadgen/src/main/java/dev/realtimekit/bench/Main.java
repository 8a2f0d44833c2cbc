package dev.realtimekit.bench;

import java.io.IOException;

/** Entry point: parses the command line, runs one workload, exits 0 when it completed, non-zero on a setup failure. */
public final class Main {

    static final int USAGE_ERROR = 2;
    static final int SETUP_FAILURE = 3;

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        Options options = null;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(USAGE_ERROR);
        }
        if (Relaunch.needed()) {
            try {
                System.exit(Relaunch.run(args));
            } catch (IOException | InterruptedException e) {
                System.err.println("loadgen: could not start the generator JVM: " + e);
                System.exit(1);
            }
        }
        try {
            code = new Harness(options).run();
        } catch (SetupException e) {
            System.err.println("loadgen: setup failed: " + e.getMessage());
            code = SETUP_FAILURE;
        } catch (Exception e) {
            System.err.println("loadgen: run failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        // exit() also ends whatever the client threads (HttpClient, Netty) of the aborted sockets are still doing.
        System.exit(code);
    }
}
