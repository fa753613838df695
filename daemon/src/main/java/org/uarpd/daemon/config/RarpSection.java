package org.uarpd.daemon.config;

import java.io.IOException;
import java.nio.file.Path;
import org.uarpd.engine.PositionedException;
import org.uarpd.engine.rarp.EthersTable;

/**
 * {@code [rarp]}: the ethers(5) (and optional hosts(5)) files the RARP server answers from. Read
 * when the config is, so a mistake in them is a config error too.
 */
public record RarpSection(Path ethers, Path hosts, EthersTable table) {
    public static final RarpSection NONE = new RarpSection(null, null, EthersTable.EMPTY);

    static RarpSection read(Fields f, Path base) {
        String ethers = f.string("ethers", null);
        String hosts = f.string("hosts", null);
        if (ethers == null) {
            if (hosts != null) f.error("hosts", "a hosts file is only used with an ethers file; add ethers = \"/etc/ethers\"");
            return NONE;
        }
        Path e = base.resolve(ethers);
        Path h = hosts == null ? null : base.resolve(hosts);
        return load(f, e, h);
    }

    static RarpSection load(Fields f, Path ethers, Path hosts) {
        try {
            return new RarpSection(ethers, hosts, EthersTable.read(ethers, hosts));
        } catch (PositionedException x) {
            f.error(x.getMessage().contains(String.valueOf(ethers)) || hosts == null ? "ethers" : "hosts", x.getMessage());
        } catch (IOException x) {
            String key = x.getMessage() != null && hosts != null && x.getMessage().contains(hosts.toString()) ? "hosts" : "ethers";
            f.error(key, "cannot read " + (key.equals("hosts") ? hosts : ethers) + ": " + x.getClass().getSimpleName()
                    + (x.getMessage() == null ? "" : " " + x.getMessage()) + "; expected a readable file");
        }
        return NONE;
    }
}
