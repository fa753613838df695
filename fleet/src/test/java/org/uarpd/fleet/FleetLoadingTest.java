package org.uarpd.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A daemon that is not in a fleet must not need the etcd client: the types it names in its
 * configuration and wiring load, and can be used, without the client library on the class path.
 */
class FleetLoadingTest {

    private static URL where(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void theApiLoadsWithoutTheEtcdClient() throws Exception {
        URL[] path = {where(Fleet.class), where(ObjectMapper.class), where(JsonParser.class), where(JsonProperty.class),
                where(org.slf4j.Logger.class)};
        try (URLClassLoader loader = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("io.etcd.jetcd.Client")).isInstanceOf(ClassNotFoundException.class);
            Class<?> config = loader.loadClass(FleetConfig.class.getName());
            Object c = config.getMethod("of", List.class, String.class, String.class, List.class)
                    .invoke(null, List.of("http://192.0.2.11:2379"), "web", "h1", List.of("vip"));
            assertThat(config.getMethod("withLeaseTtl", Duration.class).invoke(c, Duration.ofSeconds(3))).isNotNull();
            for (Class<?> api : List.of(Fleet.class, FleetListener.class, FleetHealth.class, Binding.class))
                assertThat(loader.loadClass(api.getName())).isNotNull();

            // Only starting a fleet reaches for the client: proof that the check above could fail.
            Class<?> listener = loader.loadClass(FleetListener.class.getName());
            Method start = loader.loadClass(Fleet.class.getName()).getMethod("start", config, listener);
            assertThatThrownBy(() -> start.invoke(null, c, null)).isInstanceOf(InvocationTargetException.class)
                    .cause().isInstanceOf(NoClassDefFoundError.class).hasMessageContaining("io/etcd/jetcd");
        }
    }
}
