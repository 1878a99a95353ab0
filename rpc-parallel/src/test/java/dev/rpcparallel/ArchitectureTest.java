package dev.rpcparallel;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of SPEC §3.6: API packages hold API only and do not depend on the engine (the facade
 * finds it at run time through {@link EngineProvider}); the engine's layers (protocol ← session ←
 * transport ← engine, with concurrent, process and lifecycle below the engine) never reach
 * upward; the pool engine (internal.pool) sits between the public API and the map-reduce API; no
 * package of the library is in a cycle.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.rpcparallel");
    // Every rule below would pass vacuously on an empty import.
    org.assertj.core.api.Assertions.assertThat(classes.contain(RpcParallel.class)).isTrue();
    org.assertj.core.api.Assertions.assertThat(classes.contain("dev.rpcparallel.internal.engine.Engine")).isTrue();
  }

  @Test
  void internalPackagesHaveNoCycles() {
    slices().matching("dev.rpcparallel.internal.(*)..").should().beFreeOfCycles().check(classes);
  }

  /**
   * Every package is its own slice, {@code dev.rpcparallel} itself included ({@code (**)} captures
   * "rpcparallel", "rpcparallel.mapreduce", "rpcparallel.internal.engine"...), so this covers API
   * and engine alike: the API must not reach an engine package that reaches back into it.
   */
  @Test
  void noPackageIsInACycle() {
    org.assertj.core.api.Assertions.assertThat(classes.contain("dev.rpcparallel.codec.Codec")).isTrue();
    slices().matching("dev.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void apiTypesDoNotDependOnNetty() {
    noClasses().that().resideInAnyPackage("dev.rpcparallel", "dev.rpcparallel.codec")
        .should().dependOnClassesThat().resideInAPackage("io.netty..")
        .check(classes);
  }

  @Test
  void theApiDoesNotDependOnTheEngine() {
    noClasses().that().resideInAnyPackage("dev.rpcparallel", "dev.rpcparallel.codec")
        .should().dependOnClassesThat(resideInAPackage("dev.rpcparallel.internal..").and(resideOutsideOfPackage("dev.rpcparallel.internal.remote..")))
        .because("RpcParallel finds the engine at run time, as the provider of EngineProvider (ServiceLoader), and only delegates to it")
        .check(classes);
  }

  @Test
  void onlySshLauncherReachesTheRemoteHelpers() {
    noClasses().that().resideInAnyPackage("dev.rpcparallel", "dev.rpcparallel.codec")
        .and().doNotHaveFullyQualifiedName(SshLauncher.class.getName())
        .and().doNotHaveFullyQualifiedName(SshLauncher.Builder.class.getName())
        .should().dependOnClassesThat().resideInAPackage("dev.rpcparallel.internal..")
        .because("the API reaches internal code only in SshLauncher (internal.remote, which knows no API type)")
        .check(classes);
  }

  @Test
  void codecsDependOnNothingElseOfTheLibrary() {
    noClasses().that().resideInAPackage("dev.rpcparallel.codec")
        .should().dependOnClassesThat().resideInAnyPackage("dev.rpcparallel", "dev.rpcparallel.internal..")
        .check(classes);
  }

  @Test
  void internalLayersNeverReachUpward() {
    layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("dev.rpcparallel..")
        .layer("Api").definedBy("dev.rpcparallel")
        .layer("Pools").definedBy("dev.rpcparallel.mapreduce..", "dev.rpcparallel.managed..")
        .layer("Pool").definedBy("dev.rpcparallel.internal.pool..")
        .layer("Engine").definedBy("dev.rpcparallel.internal.engine..")
        .layer("Transport").definedBy("dev.rpcparallel.internal.transport..")
        .layer("Session").definedBy("dev.rpcparallel.internal.session..")
        .layer("Protocol").definedBy("dev.rpcparallel.internal.protocol..")
        .layer("Process").definedBy("dev.rpcparallel.internal.process..")
        .layer("Remote").definedBy("dev.rpcparallel.internal.remote..")
        .layer("Lifecycle").definedBy("dev.rpcparallel.internal.lifecycle..")
        .layer("Concurrent").definedBy("dev.rpcparallel.internal.concurrent..")
        .layer("Jfr").definedBy("dev.rpcparallel.internal.jfr..")
        .whereLayer("Pool").mayOnlyBeAccessedByLayers("Pools")
        .whereLayer("Engine").mayNotBeAccessedByAnyLayer() // found through ServiceLoader
        .whereLayer("Transport").mayOnlyBeAccessedByLayers("Engine")
        .whereLayer("Session").mayOnlyBeAccessedByLayers("Transport", "Engine")
        .whereLayer("Protocol").mayOnlyBeAccessedByLayers("Session", "Transport", "Engine")
        .whereLayer("Process").mayOnlyBeAccessedByLayers("Engine")
        .whereLayer("Remote").mayOnlyBeAccessedByLayers("Engine", "Api")
        .whereLayer("Lifecycle").mayOnlyBeAccessedByLayers("Engine")
        .whereLayer("Concurrent").mayOnlyBeAccessedByLayers("Session", "Transport", "Lifecycle", "Engine")
        .whereLayer("Jfr").mayOnlyBeAccessedByLayers("Session", "Engine")
        .whereLayer("Api").mayOnlyBeAccessedByLayers("Engine", "Pools", "Pool")
        .whereLayer("Pools").mayNotBeAccessedByAnyLayer()
        .check(classes);
  }

  @Test
  void theLayersBelowTheEngineDoNotKnowTheApi() {
    noClasses().that().resideInAnyPackage(
            "dev.rpcparallel.internal.protocol..", "dev.rpcparallel.internal.session..",
            "dev.rpcparallel.internal.transport..", "dev.rpcparallel.internal.process..", "dev.rpcparallel.internal.remote..",
            "dev.rpcparallel.internal.lifecycle..", "dev.rpcparallel.internal.concurrent..", "dev.rpcparallel.internal.jfr..")
        .should().dependOnClassesThat().resideInAPackage("dev.rpcparallel")
        .because("errors travel as internal values that the engine maps to API exceptions")
        .check(classes);
  }

  @Test
  void poolsAreBuiltOnThePublicApiOnly() {
    org.assertj.core.api.Assertions.assertThat(classes.contain("dev.rpcparallel.internal.pool.Pool")).isTrue();
    org.assertj.core.api.Assertions.assertThat(classes.contain("dev.rpcparallel.managed.ManagedWorker")).isTrue();
    noClasses().that().resideInAnyPackage("dev.rpcparallel.mapreduce..", "dev.rpcparallel.managed..", "dev.rpcparallel.internal.pool..")
        .should().dependOnClassesThat(resideInAPackage("dev.rpcparallel.internal..").and(resideOutsideOfPackage("dev.rpcparallel.internal.pool..")))
        .because("pools and map-reduce are a client of the library, as a user's code would be: their engine"
            + " (internal.pool) uses the public API only")
        .check(classes);
  }

  @Test
  void thePoolEngineDoesNotKnowTheMapReduceApi() {
    noClasses().that().resideInAPackage("dev.rpcparallel.internal.pool..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.rpcparallel.mapreduce..", "dev.rpcparallel.managed..")
        .because("the API adapts the engine's types (PoolApi, PoolFunction, ResultStream), not the other way round")
        .check(classes);
  }

  @Test
  void onlyTheTransportUsesNetty() {
    noClasses().that().resideOutsideOfPackage("dev.rpcparallel.internal.transport..")
        .and().resideInAPackage("dev.rpcparallel..")
        .should().dependOnClassesThat().resideInAPackage("io.netty..")
        .check(classes);
  }
}
