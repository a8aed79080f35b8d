package io.minirpc.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A call in-process ends as it ends over TCP, codec quirks and errors included: the same codec
 * encodes and decodes it, through the same pipeline. Each case runs on both, with each codec,
 * and the outcomes (result, or error code and message with the address left out) must be equal.
 */
class SameBehaviourAsTcpTest {
  @RegisterExtension
  RpcTestServer inProcess =
      RpcTestServer.builder().register(Calculator.class, new CalculatorImpl()).build();

  @RegisterExtension
  RpcTestServer tcp =
      RpcTestServer.builder().register(Calculator.class, new CalculatorImpl()).tcp().build();

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void anArgumentOfAnotherTypeThanDeclaredFailsWithCodec(String codec) {
    @SuppressWarnings({"unchecked", "rawtypes"}) // on purpose: what the declared type forbids
    List<Integer> polluted = (List) List.of(new Calculator.Box("not a number", Optional.empty()));
    String outcome = same(codec, calc -> calc.total(polluted));
    String start = "CODEC: Call to " + Calculator.class.getName() + ".total(java.util.List) at"
        + " ADDRESS failed: could not encode argument 1 (java.util.List<java.lang.Integer>) with"
        + " codec " + codec + ": ";
    if (codec.equals("kryo")) {
      assertEquals(start + KRYO_REFUSES_BOX, outcome);
    } else {
      assertTrue(outcome.startsWith(start + "class " + Calculator.Box.class.getName()
          + " cannot be cast to class java.lang.Integer"), outcome);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void aResultOfAnotherTypeThanDeclaredFailsWithCodec(String codec) {
    String outcome = same(codec, Calculator::polluted);
    String start = "CODEC: Call to " + Calculator.class.getName() + ".polluted() at ADDRESS"
        + " failed: the server could not encode the result of " + Calculator.class.getName()
        + ".polluted() with codec " + codec + ": ";
    if (codec.equals("kryo")) {
      assertEquals(start + KRYO_REFUSES_BOX, outcome);
    } else {
      assertTrue(outcome.startsWith(start + "class " + Calculator.Box.class.getName()
          + " cannot be cast to class java.lang.Integer"), outcome);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void aStringAmongIntegersFailsWithCodecBeforeItIsSent(String codec) {
    // A JDK class Kryo may send anywhere, but not where List<Integer> says Integer.
    @SuppressWarnings({"unchecked", "rawtypes"}) // on purpose: what the declared type forbids
    List<Integer> polluted = (List) List.of(1, "2");
    String outcome = same(codec, calc -> calc.total(polluted));
    String start = "CODEC: Call to " + Calculator.class.getName() + ".total(java.util.List) at"
        + " ADDRESS failed: could not encode argument 1 (java.util.List<java.lang.Integer>) with"
        + " codec " + codec + ": ";
    if (codec.equals("kryo")) {
      assertEquals(start + "kryo could not encode the value: the java.util.List<java.lang.Integer>"
          + " holds a java.lang.String at [1], where java.lang.Integer is declared", outcome);
    } else {
      assertTrue(outcome.startsWith(start + "class java.lang.String cannot be cast to class"
          + " java.lang.Integer"), outcome);
    }
  }

  private static final String KRYO_REFUSES_BOX = "kryo could not encode a"
      + " java.util.List<java.lang.Integer>: a " + Calculator.Box.class.getName() + " cannot be"
      + " sent where java.util.List<java.lang.Integer> is declared: the Kryo codec only sends"
      + " classes the method signature reaches, standard JDK types and classes listed in"
      + " minirpc.codec.allow";

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void aNullOptionalInARecordComesBackAsEachCodecMakesIt(String codec) {
    String outcome = same(codec, calc -> calc.echo(new Calculator.Box("a", null)));
    // JSON has one null: it comes back as Optional.empty(); Kryo keeps null (see docs/codecs.md).
    assertEquals(codec.equals("json") ? "Box[name=a, note=Optional.empty]"
        : "Box[name=a, note=null]", outcome);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void valuesComeBackEqual(String codec) {
    assertEquals("Box[name=b, note=Optional[n]]",
        same(codec, calc -> calc.echo(new Calculator.Box("b", Optional.of("n")))));
    assertEquals("6", same(codec, calc -> calc.total(List.of(1, 2, 3))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void aDeclaredExceptionIsTheSame(String codec) {
    assertEquals("DivisionByZeroException: 4 / 0", same(codec, calc -> {
      try {
        return calc.divide(4, 0);
      } catch (DivisionByZeroException e) {
        return "DivisionByZeroException: " + e.getMessage();
      }
    }));
  }

  /** Runs {@code call} in-process and over TCP with {@code codec}; returns the common outcome. */
  private String same(String codec, Function<Calculator, Object> call) {
    String local = outcome(inProcess, codec, call);
    String overTcp = outcome(tcp, codec, call);
    assertEquals(overTcp, local, "in-process and TCP differ");
    return local;
  }

  private static String outcome(RpcTestServer server, String codec,
      Function<Calculator, Object> call) {
    Calculator calc = server.newClient(b -> b.codec(codec)).proxy(Calculator.class);
    try {
      return String.valueOf(call.apply(calc));
    } catch (RpcException e) {
      return e.code() + ": " + e.getMessage().replace(server.address(), "ADDRESS")
          .replaceAll("error id [0-9a-f]+", "error id ID");
    }
  }
}
