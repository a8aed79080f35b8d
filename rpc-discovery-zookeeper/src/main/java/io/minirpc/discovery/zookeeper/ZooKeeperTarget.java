package io.minirpc.discovery.zookeeper;

import io.minirpc.text.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.utils.PathUtils;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * A {@code zookeeper://} target, parsed and checked: the ensemble from the authority, the group of
 * servers from the path, options from the query.
 *
 * <pre>
 * zookeeper://zk1:2181,zk2:2181,zk3:2181/minirpc/orders?sessionTimeout=10s&amp;connectionTimeout=3s
 *             \______ connect string ____/\__ group __/ \___________ options ______________/
 * </pre>
 *
 * <p>Securing the group: {@code credentials=FILE} authenticates the session with ZooKeeper's
 * {@code digest} scheme (the file holds {@code user:password}; it is read when a session starts
 * and never logged), and {@code acl=creator} creates the group's nodes so that only the identity
 * that created them may change them, while anyone may read them: clients discover servers without
 * credentials, but only servers with the group's credentials can join it, and nobody else can
 * remove or rewrite a registration. SASL (Kerberos) and TLS to ZooKeeper are set up the
 * ZooKeeper client's own way (a JAAS {@code Client} section, {@code zookeeper.client.secure} and
 * {@code zookeeper.ssl.*} system properties), and {@code acl=creator} works with them too.
 *
 * @param connectString ZooKeeper's connect string, {@code host:port} separated by commas
 * @param group the path of the group's node; each server of the group is a child of it
 * @param sessionTimeout how long ZooKeeper keeps a silent client's session (and so the node of a
 *     crashed server)
 * @param connectionTimeout how long registering, or removing the node, waits for ZooKeeper
 * @param credentials a file holding {@code user:password} for the digest scheme, or null
 * @param creatorAcl whether nodes are created writable only by their creator (readable by all)
 */
record ZooKeeperTarget(
    String connectString, String group, Duration sessionTimeout, Duration connectionTimeout,
    Path credentials, boolean creatorAcl) {
  static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
  static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  private static final String EXAMPLE = "zookeeper://zk1:2181,zk2:2181/minirpc/orders";

  /**
   * Parses {@code target}.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  static ZooKeeperTarget parse(URI target) {
    String text = target.toString();
    if (!"zookeeper".equalsIgnoreCase(target.getScheme()) || target.isOpaque()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a zookeeper:// URI, such as " + EXAMPLE);
    }
    String authority = target.getRawAuthority();
    if (authority == null || authority.isBlank()) {
      throw new IllegalArgumentException("'" + text + "' names no ZooKeeper server: write"
          + " them after zookeeper://, such as " + EXAMPLE);
    }
    if (authority.indexOf('@') >= 0) {
      throw new IllegalArgumentException("'" + text + "': credentials do not belong in the"
          + " URI; write zookeeper://host:port,host:port/group");
    }
    for (String server : authority.split(",", -1)) {
      int colon = server.lastIndexOf(':');
      if (server.isBlank() || colon == 0 || colon == server.length() - 1) {
        throw new IllegalArgumentException("'" + text + "': '" + server + "' is not host or"
            + " host:port (the servers are separated by commas, such as " + EXAMPLE + ")");
      }
    }
    if (target.getRawFragment() != null) {
      throw new IllegalArgumentException("'" + text + "' has a fragment (#...); remove it");
    }
    String path = target.getPath();
    while (path != null && path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path == null || path.isEmpty() || path.equals("/")) {
      throw new IllegalArgumentException("'" + text + "' names no group: add the path of the"
          + " group's node, such as " + EXAMPLE);
    }
    try {
      PathUtils.validatePath(path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "': " + path + " is not a ZooKeeper path: " + e.getMessage(), e);
    }
    Map<String, String> options = options(text, target.getRawQuery());
    Duration session = duration(options, "sessionTimeout", DEFAULT_SESSION_TIMEOUT);
    Duration connection = duration(options, "connectionTimeout", DEFAULT_CONNECTION_TIMEOUT);
    String file = options.remove("credentials");
    Path credentials = null;
    if (file != null) {
      credentials = Path.of(file);
      digest(credentials); // readable and well formed now, not at the first registration
    }
    String acl = options.remove("acl");
    if (acl != null && !acl.equals("open") && !acl.equals("creator")) {
      throw new IllegalArgumentException("'" + text + "': acl=" + acl + " is not open (anyone"
          + " may change the group's nodes, the default) or creator (only the identity that"
          + " created them)");
    }
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "': unknown option"
          + (options.size() > 1 ? "s " : " ") + String.join(", ", options.keySet())
          + " (known: sessionTimeout, connectionTimeout, credentials, acl)");
    }
    return new ZooKeeperTarget(authority, path, session, connection, credentials,
        "creator".equals(acl));
  }

  /** The {@code user:password} of a credentials file, as bytes; the password is never shown. */
  static byte[] digest(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read the ZooKeeper credentials file " + file
          + " (credentials=): " + e, e);
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1 || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("the ZooKeeper credentials file " + file + " must hold"
          + " one line, user:password (ZooKeeper's digest scheme)");
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> options(String text, String query) {
    Map<String, String> options = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return options;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + text + "': option '" + pair + "' is not"
            + " name=value, such as ?sessionTimeout=10s");
      }
      String name = pair.substring(0, eq);
      String value = java.net.URLDecoder.decode(pair.substring(eq + 1),
          java.nio.charset.StandardCharsets.UTF_8);
      if (options.put(name, value) != null) {
        throw new IllegalArgumentException("'" + text + "': option " + name + " is given twice");
      }
    }
    return options;
  }

  private static Duration duration(Map<String, String> options, String name, Duration otherwise) {
    String value = options.remove(name);
    if (value == null) {
      return otherwise;
    }
    Duration d = Durations.parse(name, value);
    if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " (" + value.toLowerCase(Locale.ROOT)
          + ") must be positive and below 24 days");
    }
    return d;
  }

  /**
   * A new Curator client of the ensemble, not started. Operations that ZooKeeper does not answer
   * are retried for a few seconds; watches and the registrar's node outlive any outage on their
   * own.
   */
  CuratorFramework newClient() {
    CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs((int) sessionTimeout.toMillis())
        // Curator warns of a connection timeout longer than the session's, which it cuts.
        .connectionTimeoutMs((int) Math.min(connectionTimeout.toMillis(),
            sessionTimeout.toMillis()))
        .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 3));
    if (credentials != null) {
      b.authorization("digest", digest(credentials));
    }
    if (creatorAcl) {
      b.aclProvider(new GroupAcl(group));
    }
    return b.build();
  }

  /**
   * The group and its nodes: only the identity that created them may change them, anyone may
   * read them.
   */
  static final List<ACL> CREATOR_WRITES_ANYONE_READS = acl(ZooDefs.Perms.READ);

  /**
   * The group's ancestors, when this client makes them: anyone may also add nodes (other groups
   * may share them), but only their creator may delete one, so that nobody else can delete an
   * empty group and make it again, open. (ZooKeeper checks a delete against the parent's ACL.)
   */
  static final List<ACL> CREATOR_DELETES_ANYONE_ADDS =
      acl(ZooDefs.Perms.READ | ZooDefs.Perms.CREATE);

  private static List<ACL> acl(int anyonesPermissions) {
    // Not List.of: ZooKeeper looks for null in it, which List.of answers with an exception.
    return Collections.unmodifiableList(Arrays.asList(
        new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
        new ACL(anyonesPermissions, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
  }

  private record GroupAcl(String group) implements ACLProvider {
    @Override
    public List<ACL> getDefaultAcl() {
      return CREATOR_WRITES_ANYONE_READS;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
      return path.equals(group) || path.startsWith(group + "/") ? CREATOR_WRITES_ANYONE_READS
          : CREATOR_DELETES_ANYONE_ADDS;
    }
  }

  /** {@code zookeeper://connect/group}, for messages. */
  @Override
  public String toString() {
    return "zookeeper://" + connectString + group;
  }
}
