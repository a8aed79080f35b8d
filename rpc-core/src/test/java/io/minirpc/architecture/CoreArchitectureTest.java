package io.minirpc.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of rpc-core, as docs/ARCHITECTURE.md draws them, checked on the compiled classes: a
 * change that breaks one fails the build like any other failing test.
 */
@AnalyzeClasses(packages = "io.minirpc", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

  /** The internal packages depend on each other in one direction only. */
  @ArchTest
  static final ArchRule internalPackagesFormNoCycle =
      slices().matching("io.minirpc.internal.(*)..").should().beFreeOfCycles();

  /** The client and the server share the protocol and the transport, never each other. */
  @ArchTest
  static final ArchRule theClientNeverUsesTheServer =
      noClasses().that().resideInAPackage("io.minirpc.internal.client..")
          .should().dependOnClassesThat().resideInAPackage("io.minirpc.internal.server..");

  @ArchTest
  static final ArchRule theServerNeverUsesTheClient =
      noClasses().that().resideInAPackage("io.minirpc.internal.server..")
          .should().dependOnClassesThat().resideInAPackage("io.minirpc.internal.client..");

  /** Frames and sockets know nothing of who calls and who answers. */
  @ArchTest
  static final ArchRule protocolAndTransportKnowNoRole =
      noClasses().that().resideInAnyPackage("io.minirpc.internal.protocol..",
              "io.minirpc.internal.transport..")
          .should().dependOnClassesThat().resideInAnyPackage("io.minirpc.internal.client..",
              "io.minirpc.internal.server..");

  /** The SPIs a module implements lean on nothing internal, so that they can move to the API. */
  @ArchTest
  static final ArchRule serviceProviderInterfacesUseNothingInternal =
      noClasses().that().resideInAnyPackage("io.minirpc.codec..", "io.minirpc.compression..",
              "io.minirpc.discovery..", "io.minirpc.health..", "io.minirpc.listing..")
          .should().dependOnClassesThat().resideInAPackage("io.minirpc.internal..");
}
