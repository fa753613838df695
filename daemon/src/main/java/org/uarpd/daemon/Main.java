package org.uarpd.daemon;

/** Entry point of bin/uarpd. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("uarpd: no commands yet");
        System.exit(2);
    }
}
