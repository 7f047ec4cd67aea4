package dev.logrouter.app.config;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every source and sink {@code type:} the config knows. Add a type here, one line each. */
public final class ComponentTypes {

    private ComponentTypes() {
    }

    public static final List<SourceType<?>> SOURCES = List.of(
            new ExecSourceType(),
            new KmsgSourceType(),
            new FdSocketSourceType(),
            new SyslogSourceType(),
            new TcpSourceType(),
            new UdpSourceType());

    public static final List<SinkType<?>> SINKS = List.of(
            new ConsoleSinkType(),
            new TcpSinkType(),
            new UdpSinkType(),
            new FileSinkType(),
            new KafkaSinkType());

    static final Map<String, SourceType<?>> SOURCES_BY_TYPE =
            SOURCES.stream().collect(Collectors.toUnmodifiableMap(SourceType::type, Function.identity()));

    static final Map<String, SinkType<?>> SINKS_BY_TYPE =
            SINKS.stream().collect(Collectors.toUnmodifiableMap(SinkType::type, Function.identity()));
}
