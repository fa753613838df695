package org.uarpd.engine.rarp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.engine.PositionedException;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/**
 * The RARP server's table (RFC 903): which IPv4 address belongs to which hardware address. Read from
 * an {@code ethers(5)} file — one "hardware-address host" pair a line, the host being a dotted quad
 * or a name, {@code #} starting a comment — with names looked up in a {@code hosts(5)} file
 * ("address name aliases…").
 */
public record EthersTable(Map<HardwareAddress, Integer> addresses) {
    public static final EthersTable EMPTY = new EthersTable(Map.of());

    public EthersTable {
        addresses = Map.copyOf(addresses);
    }

    /** The IPv4 address for {@code hw}, or null. */
    public Integer lookup(HardwareAddress hw) {
        return addresses.get(hw);
    }

    public static EthersTable read(Path ethers, Path hosts) throws IOException, PositionedException {
        Map<String, Integer> names = hosts == null ? Map.of()
                : parseHosts(hosts.toString(), Files.readAllLines(hosts, StandardCharsets.UTF_8));
        return parse(ethers.toString(), Files.readAllLines(ethers, StandardCharsets.UTF_8), names);
    }

    /** Parses ethers lines; {@code file} names the source in errors. */
    public static EthersTable parse(String file, List<String> lines, Map<String, Integer> hosts) throws PositionedException {
        Map<HardwareAddress, Integer> map = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = fields(lines.get(i));
            if (f.length == 0) continue;
            int lineNo = i + 1;
            if (f.length < 2) {
                throw new PositionedException(file, lineNo, "host", "missing: expected 'hardware-address host'");
            }
            if (f.length > 2) {
                throw new PositionedException(file, lineNo, "field 3", "unexpected '" + f[2] + "': expected 'hardware-address host'");
            }
            HardwareAddress hw;
            try {
                hw = HardwareAddress.parse(f[0]);
            } catch (IllegalArgumentException e) {
                throw new PositionedException(file, lineNo, "hardware address", e.getMessage());
            }
            if (hw.length() == 0) {
                throw new PositionedException(file, lineNo, "hardware address", "empty");
            }
            Integer ip;
            if (looksLikeDottedQuad(f[1])) {
                try {
                    ip = Ip4.parse(f[1]);
                } catch (IllegalArgumentException e) {
                    throw new PositionedException(file, lineNo, "host", e.getMessage());
                }
            } else {
                ip = hosts.get(f[1]);
                if (ip == null) {
                    throw new PositionedException(file, lineNo, "host", "name '" + f[1] + "' is not in the hosts file");
                }
            }
            if (map.putIfAbsent(hw, ip) != null) {
                throw new PositionedException(file, lineNo, "hardware address", hw + " listed twice");
            }
        }
        return new EthersTable(map);
    }

    /** Parses hosts lines into name → IPv4 address; IPv6 lines are skipped, the first mapping of a name wins. */
    public static Map<String, Integer> parseHosts(String file, List<String> lines) throws PositionedException {
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = fields(lines.get(i));
            if (f.length == 0) continue;
            if (f[0].indexOf(':') >= 0) continue; // IPv6: not for RARP
            int ip;
            try {
                ip = Ip4.parse(f[0]);
            } catch (IllegalArgumentException e) {
                throw new PositionedException(file, i + 1, "address", e.getMessage());
            }
            if (f.length < 2) {
                throw new PositionedException(file, i + 1, "name", "missing: expected 'address name [aliases…]'");
            }
            for (int k = 1; k < f.length; k++) names.putIfAbsent(f[k], ip);
        }
        return names;
    }

    private static String[] fields(String line) {
        int hash = line.indexOf('#');
        String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }

    private static boolean looksLikeDottedQuad(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) return false;
        }
        return true;
    }
}
