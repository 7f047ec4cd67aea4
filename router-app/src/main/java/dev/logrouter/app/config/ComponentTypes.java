package dev.logrouter.app.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Every source and sink {@code type:} the config knows, found with {@link ServiceLoader}: a type is
 * one class, registered by one line in {@code META-INF/services/dev.logrouter.app.config.SourceType}
 * or {@code ...SinkType}. The order of those files is the order of the schema and the reference docs.
 */
public final class ComponentTypes {

    private ComponentTypes() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final List<SourceType<?>> SOURCES = (List) load(SourceType.class);

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final List<SinkType<?>> SINKS = (List) load(SinkType.class);

    static final Map<String, SourceType<?>> SOURCES_BY_TYPE = byType(SOURCES, SourceType::type);

    static final Map<String, SinkType<?>> SINKS_BY_TYPE = byType(SINKS, SinkType::type);

    /** The record {@code C} a class implementing {@code iface<C>} binds into. */
    static Class<?> configClassOf(Class<?> type, Class<?> iface) {
        for (java.lang.reflect.Type t : type.getGenericInterfaces()) {
            if (t instanceof java.lang.reflect.ParameterizedType p && p.getRawType() == iface
                    && p.getActualTypeArguments()[0] instanceof Class<?> c) {
                return c;
            }
        }
        throw new IllegalStateException(type.getName() + " does not implement " + iface.getSimpleName()
                + "<a config record>; override configClass()");
    }

    private static <T> List<T> load(Class<T> service) {
        List<T> out = new ArrayList<>();
        ServiceLoader.load(service, ComponentTypes.class.getClassLoader()).forEach(out::add);
        if (out.isEmpty()) {
            throw new IllegalStateException("no " + service.getSimpleName() + " is registered in META-INF/services");
        }
        return List.copyOf(out);
    }

    private static <T> Map<String, T> byType(List<T> types, Function<T, String> name) {
        Map<String, T> out = new LinkedHashMap<>();
        for (T t : types) {
            T prev = out.putIfAbsent(name.apply(t), t);
            if (prev != null) {
                throw new IllegalStateException("type '" + name.apply(t) + "' is registered twice: "
                        + prev.getClass().getName() + " and " + t.getClass().getName());
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
