package dev.logrouter.app.config;

import dev.logrouter.core.net.NetProtocol;
import dev.logrouter.core.net.NetSource;
import dev.logrouter.core.net.NetSourceSpec;
import dev.logrouter.core.source.LogSource;

/** {@code type: tcp}: an aggregator input receiving JSON lines or text over TCP. */
@Doc(value = "An aggregator input: JSON lines or text from other hosts over TCP.", see = "intake.md")
public final class TcpSourceType implements SourceType<NetSourceConfig> {

    @Override
    public String type() {
        return "tcp";
    }

    @Override
    public LogSource create(String name, NetSourceConfig c, RouterEnv env) {
        return new NetSource(new NetSourceSpec(name, NetProtocol.TCP, c.listen(), c.format(), c.service(),
                c.maxLineBytes().intBytes(),
                c.maxConnections()));
    }
}
