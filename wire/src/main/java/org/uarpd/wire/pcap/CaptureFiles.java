package org.uarpd.wire.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening a capture file for writing, shared by the pcap and pcapng writers. */
final class CaptureFiles {
    /** A writer's constructor: it writes the file header, so it can fail. */
    interface Opener<W> {
        W open(OutputStream out) throws IOException;
    }

    private CaptureFiles() {}

    /**
     * Creates {@code file} and hands its stream to {@code opener}. If the header cannot be written the
     * stream is closed before the error goes on, so a failed create never leaks a file handle.
     */
    static <W> W create(Path file, Opener<W> opener) throws IOException {
        OutputStream s = Files.newOutputStream(file);
        try {
            return opener.open(s);
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }
}
