package io.minirpc.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rules of docs/ARCHITECTURE.md that span modules, checked on the compiled classes of every
 * module: every module but rpc-core uses only minirpc's public API, as an application would, so
 * that the internals can change in any release without breaking them; and every package lives in
 * exactly one jar, which the module path requires.
 */
@AnalyzeClasses(packages = "io.minirpc", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundaryTest {

  @ArchTest
  static final ArchRule onlyTheRuntimeUsesItsInternals =
      noClasses().that().resideOutsideOfPackage("io.minirpc.internal..")
          .should().dependOnClassesThat().resideInAPackage("io.minirpc.internal..")
          .because("the public API (rpc-api and rpc-core's public packages), the codecs,"
              + " discovery, the listing, metrics, tracing, Spring Boot, the CLI and the examples"
              + " are built the"
              + " way an application is: on the public API");

  @ArchTest
  static void everyPackageLivesInOneJar(JavaClasses classes) {
    Map<String, Set<String>> jarsByPackage = new TreeMap<>();
    for (JavaClass c : classes) {
      String uri = c.getSource().orElseThrow().getUri().toString();
      // The jar (or classes directory) the class was read from: its URI less the class's path.
      String root = uri.substring(0, uri.length() - (c.getName().replace('.', '/') + ".class")
          .length());
      jarsByPackage.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>()).add(root);
    }
    Map<String, Set<String>> split = new TreeMap<>();
    jarsByPackage.forEach((p, jars) -> {
      if (jars.size() > 1) {
        split.put(p, jars);
      }
    });
    assertEquals(Map.of(), split, "packages split between jars; the module path refuses them");
  }
}
