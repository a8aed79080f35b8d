package io.minirpc.internal.config;

import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?": the known name nearest to a misspelt one, if any is near enough. */
public final class Suggestions {
  private static final String SERVER = "minirpc.server.";
  private static final String ROOT = "minirpc.";

  private Suggestions() {}

  /**
   * The candidate closest to {@code input} by edit distance, ignoring case, counting a swap of two
   * neighbouring letters as one edit; empty if none is within about a quarter of its length. Ties
   * go to the earlier candidate. For {@code minirpc.*} keys a missing or extra {@code server.}
   * segment costs nothing, so {@code minirpc.threads} finds {@code minirpc.server.threads}.
   */
  public static Optional<String> closest(String input, Iterable<String> candidates) {
    String in = input.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(in, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String significant = in.startsWith(ROOT) ? in.substring(ROOT.length()) : in;
    int allowed = Math.min(3, 1 + significant.length() / 4);
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  private static int distance(String in, String candidate) {
    int d = editDistance(in, candidate);
    if (candidate.startsWith(SERVER) && !in.startsWith(SERVER) && in.startsWith(ROOT)) {
      d = Math.min(d, editDistance(in, ROOT + candidate.substring(SERVER.length())));
    }
    if (in.startsWith(SERVER) && !candidate.startsWith(SERVER) && candidate.startsWith(ROOT)) {
      d = Math.min(d, editDistance(ROOT + in.substring(SERVER.length()), candidate));
    }
    return d;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
  static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
