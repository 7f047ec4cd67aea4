package dev.logrouter.app.config;

import dev.logrouter.core.net.NetProtocol;
import dev.logrouter.core.net.NetSource;
import dev.logrouter.core.net.NetSourceSpec;
import dev.logrouter.core.source.LogSource;

/** {@code type: udp}: an aggregator input receiving JSON lines or text over UDP. */
@Doc(value = "An aggregator input: JSON lines or text from other hosts over UDP, one record per datagram.", see = "intake.md")
public final class UdpSourceType implements SourceType<NetSourceConfig> {

    @Override
    public String type() {
        return "udp";
    }

    @Override
    public LogSource create(String name, NetSourceConfig c, RouterEnv env) {
        return new NetSource(new NetSourceSpec(name, NetProtocol.UDP, c.listen(), c.format(), c.service(),
                c.maxLineBytes().intBytes(),
                c.maxConnections()));
    }
}
