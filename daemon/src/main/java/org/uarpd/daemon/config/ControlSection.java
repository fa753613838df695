package org.uarpd.daemon.config;

import java.nio.file.Path;

/**
 * {@code [control]}: the control socket uarpctl talks to (a Unix domain socket, mode 0660).
 *
 * @param socket where it is created
 * @param group  group that owns it, so its members may use uarpctl; null: uarpd's own group
 */
public record ControlSection(Path socket, String group) {
    public static final Path DEFAULT_SOCKET = Path.of("/run/uarpd/control.sock");
    public static final ControlSection DEFAULT = new ControlSection(DEFAULT_SOCKET, null);

    static ControlSection read(Fields f) {
        String socket = f.string("socket", DEFAULT_SOCKET.toString());
        if (socket.isEmpty() || !socket.startsWith("/")) {
            f.error("socket", "\"" + socket + "\" is not an absolute path; expected one like \"/run/uarpd/control.sock\"");
            socket = DEFAULT_SOCKET.toString();
        } else if (socket.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            f.error("socket", "path is " + socket.length() + " bytes long; a Unix socket path must be at most 107");
            socket = DEFAULT_SOCKET.toString();
        }
        String group = f.string("group", null);
        if (group != null && !group.matches("[a-z_][a-z0-9_-]*\\$?|\\d+")) {
            f.error("group", "\"" + group + "\" is not a group name; expected a name like \"uarpd\" or a numeric id");
            group = null;
        }
        return new ControlSection(Path.of(socket), group);
    }
}
