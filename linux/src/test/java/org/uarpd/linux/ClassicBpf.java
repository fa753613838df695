package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A classic BPF interpreter written from filter(2), for the few instructions the packet sockets'
 * programs use ({@link NdFilter}, {@link ArpFilter}): which frames the kernel would keep, without a
 * socket or root. The kernel's checker refusing a program is the namespace tests' business (the
 * socket would not open).
 */
final class ClassicBpf {
    private ClassicBpf() {}

    /** What the kernel would keep of {@code frame} received as PACKET_HOST: 0 drops it. */
    static int run(int[][] program, byte[] frame) {
        return run(program, frame, ArpFilter.PACKET_HOST);
    }

    /**
     * As {@link #run(int[][], byte[])} for a frame of packet type {@code pkttype} (the only ancillary
     * load the programs make). Loads past the end drop the frame, as in the kernel.
     */
    static int run(int[][] program, byte[] frame, int pkttype) {
        int a = 0;
        for (int pc = 0; pc < program.length; pc++) {
            int[] in = program[pc];
            switch (in[0]) {
                case NdFilter.LDW_ABS -> {
                    if (in[3] != NdFilter.PKTTYPE) throw new AssertionError("word load of " + in[3] + " at " + pc);
                    a = pkttype;
                }
                case NdFilter.LDH_ABS -> {
                    if (in[3] + 2 > frame.length) return 0;
                    a = ((frame[in[3]] & 0xFF) << 8) | (frame[in[3] + 1] & 0xFF);
                }
                case NdFilter.LDB_ABS -> {
                    if (in[3] + 1 > frame.length) return 0;
                    a = frame[in[3]] & 0xFF;
                }
                case NdFilter.JEQ_K -> pc += a == in[3] ? in[1] : in[2];
                case NdFilter.JSET_K -> pc += (a & in[3]) != 0 ? in[1] : in[2];
                case NdFilter.RET_K -> {
                    return in[3];
                }
                default -> throw new AssertionError("opcode 0x" + Integer.toHexString(in[0]) + " at " + pc);
            }
        }
        throw new AssertionError("the program ran off its end");
    }

    /** Every jump lands inside {@code program}, forward (the kernel's checker refuses loops), and it ends in a return. */
    static void checkShape(int[][] program) {
        for (int pc = 0; pc < program.length; pc++) {
            if (program[pc][0] == NdFilter.JEQ_K || program[pc][0] == NdFilter.JSET_K) {
                assertThat(pc + 1 + program[pc][1]).as("jump taken at %d", pc).isBetween(pc + 1, program.length - 1);
                assertThat(pc + 1 + program[pc][2]).as("jump not taken at %d", pc).isBetween(pc + 1, program.length - 1);
            }
        }
        assertThat(program[program.length - 1][0]).as("last instruction").isEqualTo(NdFilter.RET_K);
    }
}
