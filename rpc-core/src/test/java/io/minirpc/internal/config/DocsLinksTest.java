package io.minirpc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the guides in docs/ link to files that exist and to headings those files have,
 * and the index, docs/README.md, lists every guide: moving a section cannot leave a dead link.
 */
class DocsLinksTest {
  /** {@code [text](target)}; the text may hold code but no bracket, the target no space. */
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  private final Path root = repositoryRoot();
  private final Map<Path, Set<String>> anchors = new HashMap<>();

  @Test
  void everyRelativeLinkReachesAFileAndAHeadingThere() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path file : markdownFiles()) {
      for (Link link : links(file)) {
        String problem = problem(file, link.target());
        if (problem != null) {
          broken.add(root.relativize(file) + ":" + link.line() + ": (" + link.target() + ") "
              + problem);
        }
      }
    }
    assertEquals(List.of(), broken, "Broken links, as file:line: (link) why:\n"
        + String.join("\n", broken) + "\n");
  }

  @Test
  void theIndexListsEveryGuide() throws IOException {
    Path index = root.resolve("docs/README.md");
    Set<Path> listed = new LinkedHashSet<>();
    for (Link link : links(index)) {
      if (!isExternal(link.target())) {
        listed.add(index.resolveSibling(path(link.target())).normalize());
      }
    }
    List<String> missing = new ArrayList<>();
    for (Path guide : guides()) {
      if (!guide.equals(index) && !listed.contains(guide)) {
        missing.add(root.relativize(guide).toString());
      }
    }
    assertEquals(List.of(), missing, "docs/README.md does not link to these guides: " + missing);
  }

  @Test
  void anchorsFollowGitHubsRule() {
    assertEquals("deadlines-cancellation-and-call-context",
        anchor("Deadlines, cancellation and call context"));
    assertEquals("allocation-jmh--prof-gc-gcallocratenorm",
        anchor("Allocation (JMH, `-prof gc`, `gc.alloc.rate.norm`)"));
    assertEquals("minirpcs-own-tests", anchor("minirpc's own tests"));
    assertEquals("request_n-and-the-codec", anchor("REQUEST_N and the codec"));
  }

  /** Why {@code target}, linked from {@code file}, leads nowhere; null if it leads somewhere. */
  private String problem(Path file, String target) {
    if (isExternal(target)) {
      return null;
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    Path to = path.isEmpty() ? file : file.resolveSibling(path(path)).normalize();
    if (!Files.exists(to)) {
      return "no file " + root.relativize(to);
    }
    if (hash < 0) {
      return null;
    }
    String anchor = target.substring(hash + 1);
    if (!to.getFileName().toString().endsWith(".md")) {
      return "an anchor in a file that is not Markdown";
    }
    Set<String> known = anchors.computeIfAbsent(to, DocsLinksTest::headingAnchors);
    return known.contains(anchor) ? null
        : "no heading of " + root.relativize(to) + " has the anchor #" + anchor;
  }

  private static boolean isExternal(String target) {
    return target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }

  private static String path(String link) {
    return java.net.URLDecoder.decode(link, StandardCharsets.UTF_8);
  }

  /** GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces to -. */
  static String anchor(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link's text
    return text.toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
        .replace(' ', '-');
  }

  /** The anchors of every heading outside code blocks; repeats get -1, -2 as on GitHub. */
  private static Set<String> headingAnchors(Path file) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Line line : prose(file)) {
      Matcher m = HEADING.matcher(line.text());
      if (m.matches()) {
        String a = anchor(m.group(1));
        int n = seen.merge(a, 1, Integer::sum) - 1;
        out.add(n == 0 ? a : a + "-" + n);
      }
    }
    return out;
  }

  private static List<Link> links(Path file) {
    List<Link> out = new ArrayList<>();
    for (Line line : prose(file)) {
      Matcher m = LINK.matcher(CODE_SPAN.matcher(line.text()).replaceAll("``"));
      while (m.find()) {
        out.add(new Link(line.number(), m.group(1)));
      }
    }
    return out;
  }

  /** The lines of {@code file} outside fenced code blocks, numbered from 1. */
  private static List<Line> prose(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Line> out = new ArrayList<>();
    boolean inFence = false;
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      if (text.stripLeading().startsWith("```")) {
        inFence = !inFence;
      } else if (!inFence) {
        out.add(new Line(i + 1, text));
      }
    }
    return out;
  }

  private List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    files.addAll(guides());
    return files;
  }

  private List<Path> guides() throws IOException {
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      List<Path> out = docs.filter(p -> p.getFileName().toString().endsWith(".md"))
          .map(Path::normalize).sorted().toList();
      assertTrue(out.size() > 1, "no guides in " + root.resolve("docs"));
      return out;
    }
  }

  /** The directory above the module that holds README.md and docs/. */
  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null
        && !(Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs")))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "no README.md and docs/ above " + Path.of("").toAbsolutePath());
    return dir.normalize();
  }

  private record Line(int number, String text) {}

  private record Link(int line, String target) {}
}
