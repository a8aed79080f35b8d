package io.minirpc.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The sockets this process holds, from Linux's /proc: to check that in-process uses none. */
final class Sockets {
  private Sockets() {}

  /** Whether /proc tells this process's sockets (Linux). */
  static boolean available() {
    return Files.isDirectory(Path.of("/proc/self/fd"))
        && Files.isReadable(Path.of("/proc/self/net/tcp"));
  }

  /** The inodes of every socket this process has open. */
  static Set<String> open() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the directory stream's own descriptor, or one closed since the listing
        }
      }
    }
    return inodes;
  }

  /** The inodes of this process's TCP and UDP sockets (IPv4 and IPv6): those with a port. */
  static Set<String> inet() throws IOException {
    return fromTables(List.of("tcp", "tcp6", "udp", "udp6"), false);
  }

  /** The inodes of this process's TCP sockets (IPv4 and IPv6) that listen. */
  static Set<String> listening() throws IOException {
    return fromTables(List.of("tcp", "tcp6"), true);
  }

  private static Set<String> fromTables(List<String> tables, boolean listeningOnly)
      throws IOException {
    Set<String> mine = open();
    Set<String> found = new HashSet<>();
    for (String table : tables) {
      Path p = Path.of("/proc/self/net", table);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && mine.contains(f[9]) && (!listeningOnly || f[3].equals("0A"))) {
          found.add(f[9]);
        }
      }
    }
    return found;
  }
}
