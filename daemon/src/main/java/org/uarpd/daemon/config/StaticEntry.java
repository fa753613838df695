package org.uarpd.daemon.config;

import org.uarpd.wire.HardwareAddress;

/** One {@code [[static]]} entry: a binding pinned on a link that nothing on the wire can change. */
public record StaticEntry(String link, int address, HardwareAddress hardware) {
    static StaticEntry read(Fields f, java.util.Set<String> links) {
        String link = f.string("link", null);
        String address = f.string("address", null);
        HardwareAddress hw = PublishSection.hardware(f, "hardware");
        f.finish();
        if (link == null) f.error(null, "has no link; expected link = \"eth0\" (one of the [links] tables)");
        else if (!links.contains(link)) {
            String near = Fields.nearest(link, links);
            f.error("link", "\"" + link + "\" is not a configured link; expected " + (near != null ? "\"" + near + "\""
                    : links.isEmpty() ? "a [links." + link + "] table" : Fields.quotedList(java.util.List.copyOf(links))));
        }
        if (address == null) f.error(null, "has no address; expected address = \"192.0.2.9\"");
        if (hw == null && !f.has("hardware")) f.error(null, "has no hardware address; expected hardware = \"02:00:5e:00:53:09\"");
        Integer a = address == null ? null : PublishSection.ip(f, "address", address);
        if (link == null || a == null || hw == null || !links.contains(link)) return null;
        return new StaticEntry(link, a, hw);
    }
}
