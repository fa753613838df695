package org.uarpd.linux;

/**
 * A system call (or a kernel request over netlink) failed. The message names the call, the errno by
 * name and number with the C library's text, any extended-ack text the kernel sent, and what to do.
 */
public final class NativeCallException extends RuntimeException {
    private final String call;
    private final int errno;

    public NativeCallException(String call, int errno, String detail, String advice) {
        super(compose(call, errno, detail, advice));
        this.call = call;
        this.errno = errno;
    }

    private static String compose(String call, int errno, String detail, String advice) {
        StringBuilder s = new StringBuilder(call).append(" failed: ").append(Errno.name(errno))
                .append(" (").append(errno).append(", ").append(Libc.strerror(errno)).append(')');
        if (detail != null && !detail.isEmpty()) s.append(": ").append(detail);
        if (advice != null && !advice.isEmpty()) s.append(" — ").append(advice);
        return s.toString();
    }

    /** The call as written in the message, e.g. {@code socket(AF_PACKET, SOCK_RAW, ETH_P_ARP)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** Generic advice by errno, for calls that have no better one of their own. */
    static String adviceFor(int errno) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES ->
                    "needs root, or CAP_NET_ADMIN and CAP_NET_RAW (e.g. setcap cap_net_admin,cap_net_raw+ep on the java binary)";
            case Errno.ENODEV, Errno.ENXIO -> "the interface does not exist (check `ip link`)";
            case Errno.EMFILE, Errno.ENFILE -> "too many open files: raise the limit (ulimit -n)";
            case Errno.ENOMEM, Errno.ENOBUFS -> "the kernel is short of memory or socket buffer space";
            case Errno.EPROTONOSUPPORT, Errno.EAFNOSUPPORT, Errno.EOPNOTSUPP ->
                    "the kernel lacks this feature (check the kernel version and loaded modules)";
            default -> "";
        };
    }
}
