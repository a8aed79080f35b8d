package io.minirpc.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rule of docs/ARCHITECTURE.md that spans modules: every module but rpc-core uses only
 * minirpc's public API, as an application would, so that the internals can change in any
 * release without breaking them. Checked on the compiled classes of every module.
 */
@AnalyzeClasses(packages = "io.minirpc", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundaryTest {
  /** The packages of rpc-core (and of rpc-api, which shares {@code io.minirpc} for now). */
  private static final String[] CORE = {
    "io.minirpc", "io.minirpc.internal..", "io.minirpc.auth", "io.minirpc.codec",
    "io.minirpc.compression", "io.minirpc.discovery", "io.minirpc.health", "io.minirpc.interceptors",
    "io.minirpc.listing", "io.minirpc.metrics", "io.minirpc.text"
  };

  @ArchTest
  static final ArchRule otherModulesUseOnlyThePublicApi =
      noClasses().that().resideOutsideOfPackages(CORE)
          .should().dependOnClassesThat().resideInAPackage("io.minirpc.internal..")
          .because("codecs, discovery, metrics, tracing, Spring Boot, the CLI and the examples"
              + " are built the way an application is: on the public API");
}
