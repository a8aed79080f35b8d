package io.minirpc.internal.server;

import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.ServerConfig;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.CompressorRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a server says about itself: to each client in its HELLO (limits, codecs, compressors,
 * services and the shapes of their classes), and to the registry it joins (address, weight,
 * codecs, the fingerprint of every method).
 */
final class Announcement {
  private final ServerConfig settings;
  private final ServiceRegistry registry;
  private final Codecs codecs;
  private final Set<Class<?>> allowedClasses;

  Announcement(ServerConfig settings, ServiceRegistry registry, Codecs codecs,
      Set<Class<?>> allowedClasses) {
    this.settings = settings;
    this.registry = registry;
    this.codecs = codecs;
    this.allowedClasses = allowedClasses;
  }

  /** What this server tells each client when it connects. */
  Hello hello() {
    List<Hello.CodecInfo> codecInfos = new ArrayList<>();
    for (Codecs.Entry e : codecs.entries()) {
      codecInfos.add(new Hello.CodecInfo(e.id(), e.name()));
    }
    Map<String, String> shapes = new TreeMap<>();
    List<Hello.ServiceInfo> services = registry.describe(shapes);
    List<String> allowed = Hello.classNames(allowedClasses);
    return new Hello(Protocol.VERSION, Protocol.VERSION, settings.maxFrameSize(), 0,
        settings.idleTimeout().toNanos(), settings.maxCallsPerConnection(), codecInfos, allowed,
        services, shapes).withCompression(Hello.infos(CompressorRegistry.installed().all()), 0);
  }

  /**
   * What the registry says about this server, listening on {@code port}: the handshake's
   * fingerprints among the rest.
   */
  ServerInstance instance(int port) {
    Map<String, Map<String, Long>> services = new LinkedHashMap<>();
    for (Hello.ServiceInfo s : registry.describe(new TreeMap<>())) {
      Map<String, Long> methods = new LinkedHashMap<>();
      for (Hello.MethodInfo m : s.methods()) {
        methods.put(m.key(), m.digest());
      }
      services.put(s.name(), methods);
    }
    List<String> codecNames = new ArrayList<>();
    for (Codecs.Entry e : codecs.entries()) {
      codecNames.add(e.name());
    }
    return new ServerInstance(AdvertisedHost.choose(settings.advertisedHost(), settings.host()),
        port, settings.weight(), codecNames, services, settings.attributes());
  }
}
