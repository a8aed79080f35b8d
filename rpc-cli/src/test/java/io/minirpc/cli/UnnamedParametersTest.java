package io.minirpc.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.listing.MethodDescription;
import io.minirpc.listing.ParameterDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** describe notices a service compiled without -parameters, and says how to get the names. */
class UnnamedParametersTest {
  private static MethodDescription method(String... names) {
    List<ParameterDescription> ps = java.util.Arrays.stream(names)
        .map(n -> new ParameterDescription(n, "int", "{}")).toList();
    return new MethodDescription("m", "int m()", ps, "int", "{}", false, 0);
  }

  @Test
  void parametersNamedArgZeroArgOneInOrderAreJavacsNamesWithoutParameters() {
    assertTrue(DescribeCommand.unnamedParameters(List.of(method("arg0", "arg1"), method("arg0"),
        method())));
  }

  @Test
  void anyRealNameOrNoParameterAtAllIsNoReasonForTheNote() {
    assertFalse(DescribeCommand.unnamedParameters(List.of(method("arg0"), method("a", "b"))));
    assertFalse(DescribeCommand.unnamedParameters(List.of(method("arg1"))));
    assertFalse(DescribeCommand.unnamedParameters(List.of(method())));
  }
}
