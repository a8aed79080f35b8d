package io.minirpc.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * No two source files use each other, directly or through others: the dependencies between files
 * (a class and the classes nested in it are one file) form no cycle, in every module. A cycle
 * means neither file can be understood, tested or changed without the other.
 *
 * <p>Where a part must call back the part that holds it, it does so through a small interface the
 * holder implements, often nested in the part that calls (as {@code Connection.Owner}).
 */
@AnalyzeClasses(packages = "io.minirpc", importOptions = ImportOption.DoNotIncludeTests.class)
class FileCyclesTest {
  @ArchTest
  static void sourceFilesFormNoCycle(JavaClasses classes) {
    Map<String, Set<String>> uses = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = file(c);
      Set<String> to = uses.computeIfAbsent(from, f -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass();
        if (target.getPackageName().startsWith("io.minirpc") && !target.isArray()) {
          String t = file(target);
          if (!t.equals(from)) {
            to.add(t);
          }
        }
      }
    }
    assertEquals(List.of(), new Tarjan(uses).cycles(), "source files that use each other");
  }

  /**
   * Nor do packages, but for one pair that public names fix: {@code io.minirpc.metrics}'s
   * observers name {@code RpcException.Code}, and {@code io.minirpc}'s builders take an observer.
   * No two of their files use each other (above).
   */
  @ArchTest
  static void packagesFormNoCycleButTheObserverSpiAndTheApi(JavaClasses classes) {
    Map<String, Set<String>> uses = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = c.getPackageName();
      Set<String> to = uses.computeIfAbsent(from, f -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass();
        String t = target.getPackageName();
        if (t.startsWith("io.minirpc") && !target.isArray() && !t.equals(from)) {
          to.add(t);
        }
      }
    }
    assertEquals(List.of(Set.of("io.minirpc", "io.minirpc.metrics")),
        new Tarjan(uses).cycles(), "packages that use each other");
  }

  /** The top-level class a class is written in. */
  private static String file(JavaClass c) {
    JavaClass outer = c;
    while (outer.getEnclosingClass().isPresent()) {
      outer = outer.getEnclosingClass().get();
    }
    return outer.getName();
  }

  /** Tarjan's strongly connected components; those of more than one file are the cycles. */
  private static final class Tarjan {
    private final Map<String, Set<String>> graph;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new java.util.HashSet<>();
    private final List<Set<String>> out = new ArrayList<>();
    private int next;

    Tarjan(Map<String, Set<String>> graph) {
      this.graph = graph;
    }

    List<Set<String>> cycles() {
      for (String v : graph.keySet()) {
        if (!index.containsKey(v)) {
          visit(v);
        }
      }
      return out;
    }

    private void visit(String v) {
      index.put(v, next);
      low.put(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      for (String w : graph.getOrDefault(v, Set.of())) {
        if (!index.containsKey(w)) {
          visit(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        Set<String> component = new TreeSet<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) {
          out.add(component);
        }
      }
    }
  }
}
