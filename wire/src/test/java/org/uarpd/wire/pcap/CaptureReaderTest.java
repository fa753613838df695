package org.uarpd.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.Ethernet;

class CaptureReaderTest {
    private static final byte[] F1 = HexFormat.of().parseHex("ffffffffffff02005e1000010806aabbcc");
    private static final byte[] F2 = HexFormat.of().parseHex("01020304050607");
    private static final long T = 1_700_000_000_987_654_321L;

    static List<CaptureRecord> readAll(byte[] file) throws IOException, MalformedFrameException {
        try (CaptureReader r = new CaptureReader(new ByteArrayInputStream(file))) {
            List<CaptureRecord> out = new ArrayList<>();
            for (CaptureRecord rec; (rec = r.next()) != null; ) out.add(rec);
            return out;
        }
    }

    static MalformedFrameException malformed(byte[] file) {
        try {
            readAll(file);
        } catch (MalformedFrameException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no MalformedFrameException");
    }

    @Test
    void pcapWriterOutputReadsBackInBothResolutions() throws Exception {
        for (TimestampResolution res : TimestampResolution.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PcapWriter w = new PcapWriter(out, 129, res, 65535)) {
                w.write(T, F1);
                w.write(T + 1_000, F2, 0, F2.length, 100);
            }
            List<CaptureRecord> recs = readAll(out.toByteArray());
            assertThat(recs).hasSize(2);
            long unit = res == TimestampResolution.NANOS ? 1 : 1000;
            assertThat(recs.get(0).timestampNanos()).isEqualTo(T / unit * unit);
            assertThat(recs.get(0).data()).isEqualTo(F1);
            assertThat(recs.get(0).pcapLinkType()).isEqualTo(129);
            assertThat(recs.get(0).number()).isEqualTo(1);
            assertThat(recs.get(0).fileOffset()).isEqualTo(24);
            assertThat(recs.get(1).originalLength()).isEqualTo(100);
            assertThat(recs.get(1).fileOffset()).isEqualTo(24 + 16 + F1.length);
        }
    }

    @Test
    void eachRecordIsOnDiskAsSoonAsItIsWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("live.pcap");
        try (PcapWriter w = PcapWriter.create(file, Ethernet.INSTANCE, TimestampResolution.MICROS)) {
            assertThat(Files.size(file)).isEqualTo(24);
            w.write(T, F1);
            assertThat(Files.size(file)).isEqualTo(24 + 16 + F1.length);
            // A reader opened while the writer is still open (as after a crash) sees the whole frame.
            try (CaptureReader r = CaptureReader.open(file)) {
                assertThat(r.next().data()).isEqualTo(F1);
                assertThat(r.next()).isNull();
            }
        }
    }

    /** A pcap file built by hand in the given byte order, with the given magic. */
    static byte[] pcap(ByteOrder order, int magic, int linkType, long[][] times, byte[]... frames) {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 * frames.length + 200).order(order);
        b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        for (int i = 0; i < frames.length; i++) {
            b.putInt((int) times[i][0]).putInt((int) times[i][1]).putInt(frames[i].length).putInt(frames[i].length).put(frames[i]);
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void readsBigAndLittleEndianPcapWithMicroAndNanoMagic() throws Exception {
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            byte[] micro = pcap(order, 0xa1b2c3d4, 6, new long[][] {{1_700_000_000L, 123_456}}, F1);
            CaptureRecord m = readAll(micro).get(0);
            assertThat(m.timestampNanos()).isEqualTo(1_700_000_000_123_456_000L);
            assertThat(m.pcapLinkType()).isEqualTo(6);
            assertThat(m.data()).isEqualTo(F1);
            byte[] nano = pcap(order, 0xa1b23c4d, 10, new long[][] {{1_700_000_000L, 123_456_789}, {1_700_000_001L, 5}}, F1, F2);
            List<CaptureRecord> n = readAll(nano);
            assertThat(n).extracting(CaptureRecord::timestampNanos).containsExactly(1_700_000_000_123_456_789L, 1_700_000_001_000_000_005L);
            assertThat(n.get(1).data()).isEqualTo(F2);
        }
    }

    @Test
    void linkTypeUpperBitsAreFcsInformationNotLinkType() throws Exception {
        byte[] file = pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 0x1000_0000 | 1, new long[][] {{1, 0}}, F1);
        assertThat(readAll(file).get(0).pcapLinkType()).isEqualTo(1);
    }

    @Test
    void pcapNgWriterOutputReadsBackWithPerInterfaceLinkTypeAndResolution() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapNgWriter w = new PcapNgWriter(out)) {
            int eth = w.addInterface(1, "eth0", TimestampResolution.MICROS);
            int arc = w.addInterface(7, "arc0", TimestampResolution.NANOS);
            w.write(eth, T, F1, "a comment");
            w.write(arc, T, F2);
        }
        List<CaptureRecord> recs = readAll(out.toByteArray());
        assertThat(recs).extracting(CaptureRecord::pcapLinkType).containsExactly(1, 7);
        assertThat(recs).extracting(CaptureRecord::interfaceId).containsExactly(0, 1);
        assertThat(recs).extracting(CaptureRecord::timestampNanos).containsExactly(T / 1000 * 1000, T);
        assertThat(recs.get(0).data()).isEqualTo(F1);
        assertThat(recs.get(1).data()).isEqualTo(F2);
    }

    /** Builds pcapng blocks in either byte order. */
    static final class NgBuilder {
        final ByteOrder order;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        NgBuilder(ByteOrder order) {
            this.order = order;
        }

        NgBuilder block(int type, byte[] body) {
            int total = 12 + ((body.length + 3) & ~3);
            ByteBuffer b = ByteBuffer.allocate(total).order(order);
            b.putInt(type).putInt(total).put(body);
            b.putInt(total - 4, total);
            out.writeBytes(b.array());
            return this;
        }

        NgBuilder shb() {
            return block(0x0A0D0D0A, ByteBuffer.allocate(16).order(order).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array());
        }

        NgBuilder idb(int linkType, int snaplen, int tsresol, long tsoffset) {
            ByteBuffer b = ByteBuffer.allocate(8 + 8 + 12 + 4).order(order);
            b.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            b.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
            b.putShort((short) 14).putShort((short) 8).putLong(tsoffset);
            b.putShort((short) 0).putShort((short) 0);
            return block(1, b.array());
        }

        NgBuilder epb(int itf, long units, byte[] data) {
            ByteBuffer b = ByteBuffer.allocate(20 + ((data.length + 3) & ~3)).order(order);
            b.putInt(itf).putInt((int) (units >>> 32)).putInt((int) units).putInt(data.length).putInt(data.length).put(data);
            return block(6, b.array());
        }

        NgBuilder spb(int originalLength, byte[] data) {
            ByteBuffer b = ByteBuffer.allocate(4 + ((data.length + 3) & ~3)).order(order);
            b.putInt(originalLength).put(data);
            return block(3, b.array());
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    void readsPcapNgInBothByteOrdersSkippingUnknownBlocks() throws Exception {
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            byte[] file = new NgBuilder(order)
                    .shb()
                    .idb(6, 0, 0x80 | 10, 0)            // 2^-10 s units
                    .block(0x0000_0BAD, new byte[] {1, 2, 3, 4, 5})   // unknown: skipped
                    .idb(113, 4, 3, 10)                // milliseconds, +10 s offset, snaplen 4
                    .epb(0, 1024L * 5 + 512, F1)       // 5.5 s
                    .epb(1, 1234, F2)                  // 1.234 s + 10 s
                    .block(5, new byte[8])             // interface statistics: skipped
                    .spb(F2.length, F2)                // snaplen 4 of interface 0? no: interface 0 has snaplen 0
                    .shb()                             // a new section forgets the interfaces
                    .idb(129, 0, 9, 0)
                    .epb(0, 42, F1)
                    .bytes();
            List<CaptureRecord> recs = readAll(file);
            assertThat(recs).extracting(CaptureRecord::pcapLinkType).containsExactly(6, 113, 6, 129);
            assertThat(recs.get(0).timestampNanos()).isEqualTo(5_500_000_000L);
            assertThat(recs.get(1).timestampNanos()).isEqualTo(11_234_000_000L);
            assertThat(recs.get(2).hasTimestamp()).isFalse();
            assertThat(recs.get(2).data()).isEqualTo(F2);
            assertThat(recs.get(3).timestampNanos()).isEqualTo(42);
            assertThat(recs).extracting(CaptureRecord::number).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void readsWhatWiresharksEditcapWrites(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("in.pcap");
        try (PcapWriter w = PcapWriter.create(pcap, Ethernet.INSTANCE, TimestampResolution.NANOS)) {
            w.write(T, F1);
            w.write(T + 7, F2);
        }
        Path ng = dir.resolve("out.pcapng");
        Process p;
        try {
            p = new ProcessBuilder("editcap", "-F", "pcapng", pcap.toString(), ng.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("editcap is not installed: install the Debian package 'tshark' (it brings wireshark-common's editcap)", e);
        }
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("editcap (Debian package wireshark-common, installed with tshark): %s", output).isZero();
        try (CaptureReader r = CaptureReader.open(ng)) {
            assertThat(r.format()).isEqualTo(CaptureReader.Format.PCAPNG);
            CaptureRecord a = r.next();
            CaptureRecord b = r.next();
            assertThat(r.next()).isNull();
            assertThat(a.data()).isEqualTo(F1);
            assertThat(a.timestampNanos()).isEqualTo(T);
            assertThat(b.timestampNanos()).isEqualTo(T + 7);
            assertThat(b.pcapLinkType()).isEqualTo(1);
        }
    }

    @Test
    void malformedPcapFilesNameTheOffset() {
        byte[] good = pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, new long[][] {{1, 0}}, F1);
        assertThat(malformed(new byte[0]).reason()).contains("empty file");
        assertThat(malformed(new byte[] {1, 2})).satisfies(e -> assertThat(e.reason()).contains("magic bytes"));
        assertThat(malformed("GIF89a-not-a-capture".getBytes())).satisfies(e -> {
            assertThat(e.reason()).contains("not a pcap or pcapng file");
            assertThat(e.offset()).isZero();
        });
        assertThat(malformed(java.util.Arrays.copyOf(good, 20))).satisfies(e -> {
            assertThat(e.reason()).contains("pcap global header truncated");
            assertThat(e.offset()).isEqualTo(20);
        });
        assertThat(malformed(java.util.Arrays.copyOf(good, 30))).satisfies(e -> {
            assertThat(e.reason()).contains("pcap record header truncated");
            assertThat(e.offset()).isEqualTo(30);
        });
        assertThat(malformed(java.util.Arrays.copyOf(good, good.length - 3))).satisfies(e -> {
            assertThat(e.reason()).contains("pcap record data");
            assertThat(e.offset()).isEqualTo(good.length - 3);
        });
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 0x7000_0000);
        assertThat(malformed(huge)).satisfies(e -> {
            assertThat(e.reason()).contains("exceeds the snap length");
            assertThat(e.offset()).isEqualTo(32);
        });
        byte[] version = good.clone();
        version[4] = 3;
        assertThat(malformed(version).reason()).contains("pcap version 3");
    }

    @Test
    void malformedPcapNgFilesNameTheOffset() {
        NgBuilder base = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 6, 0);
        int afterIdb = base.bytes().length;

        byte[] unknownInterface = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 6, 0).epb(3, 0, F1).bytes();
        assertThat(malformed(unknownInterface)).satisfies(e -> {
            assertThat(e.reason()).contains("interface 3 but the section describes 1");
            assertThat(e.offset()).isEqualTo(afterIdb + 8);
        });

        byte[] badTrailer = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 6, 0).epb(0, 0, F1).bytes();
        badTrailer[badTrailer.length - 4] ^= 0x10;
        assertThat(malformed(badTrailer)).satisfies(e -> {
            assertThat(e.reason()).contains("trailing length");
            assertThat(e.offset()).isEqualTo(badTrailer.length - 4);
        });

        byte[] oddLength = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 6, 0).epb(0, 0, F1).bytes();
        ByteBuffer.wrap(oddLength).order(ByteOrder.LITTLE_ENDIAN).putInt(afterIdb + 4, 33);
        assertThat(malformed(oddLength)).satisfies(e -> {
            assertThat(e.reason()).contains("block length 33 is invalid");
            assertThat(e.offset()).isEqualTo(afterIdb + 4);
        });

        byte[] capturedOverrun = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 6, 0).epb(0, 0, F1).bytes();
        ByteBuffer.wrap(capturedOverrun).order(ByteOrder.LITTLE_ENDIAN).putInt(afterIdb + 20, 4000);
        assertThat(malformed(capturedOverrun).reason()).contains("captured length 4000 overruns its block");

        byte[] truncated = java.util.Arrays.copyOf(new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 6, 0).epb(0, 0, F1).bytes(), afterIdb + 30);
        assertThat(malformed(truncated)).satisfies(e -> {
            assertThat(e.reason()).contains("truncated");
            assertThat(e.offset()).isEqualTo(afterIdb + 30);
        });

        byte[] badMagic = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().bytes();
        badMagic[8] = 0x55;
        assertThat(malformed(badMagic)).satisfies(e -> {
            assertThat(e.reason()).contains("byte-order magic");
            assertThat(e.offset()).isEqualTo(8);
        });

        byte[] optionOverrun = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 6, 0).bytes();
        int sectionEnd = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().bytes().length;
        ByteBuffer.wrap(optionOverrun).order(ByteOrder.LITTLE_ENDIAN).putShort(sectionEnd + 8 + 8 + 2, (short) 200);
        assertThat(malformed(optionOverrun).reason()).contains("option 9 of 200 bytes overruns its block");

        byte[] noInterfaceForSimple = new NgBuilder(ByteOrder.LITTLE_ENDIAN).shb().spb(F1.length, F1).bytes();
        assertThat(malformed(noInterfaceForSimple).reason()).contains("interface 0 but the section describes 0");
    }

    @Test
    void tsresolConversions() {
        assertThat(CaptureReader.toNanos(5, 0)).isEqualTo(5_000_000_000L);
        assertThat(CaptureReader.toNanos(5, 6)).isEqualTo(5_000L);
        assertThat(CaptureReader.toNanos(5, 9)).isEqualTo(5L);
        assertThat(CaptureReader.toNanos(5_000, 12)).isEqualTo(5L);
        assertThat(CaptureReader.toNanos(1L << 30, 0x80 | 30)).isEqualTo(1_000_000_000L);
        assertThat(CaptureReader.toNanos(3, 0x80 | 1)).isEqualTo(1_500_000_000L);
    }

    @Test
    void rejectsBadTimestampsWhenWriting() throws IOException {
        PcapWriter w = new PcapWriter(new ByteArrayOutputStream(), 1, TimestampResolution.MICROS, 100);
        assertThatThrownBy(() -> w.write(-1, F1)).isInstanceOf(IllegalArgumentException.class);
    }
}
