package io.minirpc.examples.kv;

import io.minirpc.RpcClient;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;
import java.util.Set;

/** Calls a running {@link KeyValueServer} with the settings in {@code client.properties}. */
public final class KeyValueClient {
  private KeyValueClient() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(KeyValueClient.class, "client.properties", args);
    try (RpcClient client = RpcClient.builder().configure(config).build()) {
      System.out.println("Calling through " + client + "; it connects on the first call");
      run(client.proxy(KeyValueStore.class));
    }
  }

  /** The calls both this client and the demo make. */
  public static void run(KeyValueStore kv) {
    System.out.println("put(lang:java)     = " + kv.put("lang:java", "1995", Set.of("jvm", "old")));
    kv.put("lang:kotlin", "2011", Set.of("jvm"));
    kv.put("lang:go", "2009", Set.of("native"));
    System.out.println("put(lang:java)     = " + kv.put("lang:java", "1996", Set.of("jvm")));
    System.out.println("get(lang:go)       = " + kv.get("lang:go"));
    System.out.println("get(missing)       = " + kv.get("missing"));
    System.out.println("scan(lang:, 2)     = " + kv.scan("lang:", 2));
    System.out.println("byTag()            = " + kv.byTag().keySet() + " with "
        + kv.byTag().get("jvm").size() + " jvm entries");
    System.out.println("delete(lang:go)    = " + kv.delete("lang:go"));
    System.out.println("stats()            = " + kv.stats());
  }
}
