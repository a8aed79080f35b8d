package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.it.TypesService.Account;
import io.minirpc.it.TypesService.Address;
import io.minirpc.it.TypesService.Color;
import io.minirpc.it.TypesService.Everything;
import io.minirpc.it.TypesService.User;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type of the fidelity matrix goes to the server and back, through a real socket, and comes
 * back equal, with the declared generic types intact, for each codec.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypeFidelityTest {
  @Parameter String codec;

  private Fixture fixture;
  private TypesService types;

  @BeforeParameterizedClassInvocation
  void start() {
    fixture = Fixture.start(codec);
    types = fixture.client.proxy(TypesService.class);
  }

  @AfterParameterizedClassInvocation
  void stop() {
    fixture.close();
  }

  static final User ADA =
      new User(1, "Ada", List.of("math", "engines"), new Address("Main St 1", "London",
          Optional.of("W1")), LocalDate.of(1815, 12, 10));
  static final User NULLS = new User(2, null, null, new Address(null, "Nowhere",
      Optional.empty()), null);

  private record Case(String name, Function<TypesService, Object> call, Object expected) {}

  private static Case c(String name, Function<TypesService, Object> call, Object expected) {
    return new Case(name, call, expected);
  }

  private static List<Case> cases() {
    Map<Integer, Set<Long>> nested = new HashMap<>();
    nested.put(1, Set.of(10L, 11L));
    nested.put(2, Set.of());
    Map<String, List<User>> byGroup = new LinkedHashMap<>();
    byGroup.put("admins", List.of(ADA));
    byGroup.put("guests", Arrays.asList(NULLS, null));
    byGroup.put("empty", Collections.emptyList());
    List<String> withNulls = Arrays.asList("a", null, "c");
    Account account = new Account("ada", new BigDecimal("12.50"), List.of(1L, -2L));
    Everything everything = new Everything(7, null, "é ✓ 🚀", new byte[] {1, -1, 0}, Color.BLUE,
        List.of(ADA), Map.of("x", 1), Optional.of(5L), new BigDecimal("0.10"),
        new BigInteger("123456789012345678901234567890"), new UUID(1, 2),
        Instant.ofEpochSecond(1_700_000_000L, 123_456_789), LocalDateTime.of(2024, 2, 29, 23, 59,
            59, 999_000_000), Duration.ofMillis(1500), account);
    Everything allNull = new Everything(0, null, null, null, null, null, null, Optional.empty(),
        null, null, null, null, null, null, null);
    return List.of(
        c("boolean", t -> t.echoBoolean(true), true),
        c("byte", t -> t.echoByte((byte) -128), (byte) -128),
        c("short", t -> t.echoShort(Short.MIN_VALUE), Short.MIN_VALUE),
        c("char", t -> t.echoChar('é'), 'é'),
        c("int", t -> t.echoInt(Integer.MIN_VALUE), Integer.MIN_VALUE),
        c("long", t -> t.echoLong(Long.MAX_VALUE), Long.MAX_VALUE),
        c("float", t -> t.echoFloat(Float.NaN), Float.NaN),
        c("double", t -> t.echoDouble(Double.NEGATIVE_INFINITY), Double.NEGATIVE_INFINITY),
        c("tiny double", t -> t.echoDouble(Double.MIN_VALUE), Double.MIN_VALUE),
        c("Boolean null", t -> t.echoBoxedBoolean(null), null),
        c("Integer", t -> t.echoBoxedInt(42), 42),
        c("Long null", t -> t.echoBoxedLong(null), null),
        c("Double", t -> t.echoBoxedDouble(0.1), 0.1),
        c("Character", t -> t.echoBoxedChar('x'), 'x'),
        c("String", t -> t.echoString("héllo wörld 🚀"), "héllo wörld 🚀"),
        c("empty String", t -> t.echoString(""), ""),
        c("String null", t -> t.echoString(null), null),
        c("byte[]", t -> t.echoBytes(new byte[] {0, 1, -1, 127}), new byte[] {0, 1, -1, 127}),
        c("empty byte[]", t -> t.echoBytes(new byte[0]), new byte[0]),
        c("int[]", t -> t.echoInts(new int[] {1, -2, 3}), new int[] {1, -2, 3}),
        c("long[][]", t -> t.echoMatrix(new long[][] {{1}, {}, null}),
            new long[][] {{1}, {}, null}),
        c("String[] with null", t -> t.echoStrings(new String[] {"a", null}),
            new String[] {"a", null}),
        c("User[]", t -> t.echoUserArray(new User[] {ADA, null}), new User[] {ADA, null}),
        c("enum", t -> t.echoEnum(Color.GREEN), Color.GREEN),
        c("record", t -> t.echoUser(ADA), ADA),
        c("record with null components", t -> t.echoUser(NULLS), NULLS),
        c("plain class", t -> t.echoAccount(account), account),
        c("List<Byte>", t -> t.echoByteList(List.of((byte) 1, (byte) -2)),
            List.of((byte) 1, (byte) -2)),
        c("List<String> with nulls", t -> t.echoStringList(withNulls), withNulls),
        c("List.of", t -> t.echoStringList(List.of("x", "y")), List.of("x", "y")),
        c("unmodifiableList", t -> t.echoStringList(Collections.unmodifiableList(
            new ArrayList<>(List.of("u")))), List.of("u")),
        c("EnumSet", t -> t.echoColorSet(EnumSet.of(Color.RED, Color.BLUE)),
            Set.of(Color.RED, Color.BLUE)),
        c("Map<Integer, Set<Long>>", t -> t.echoNested(nested), nested),
        c("Map<String, List<User>>", t -> t.echoUsersByGroup(byGroup), byGroup),
        c("Optional present", t -> t.echoOptional(Optional.of("x")), Optional.of("x")),
        c("Optional empty", t -> t.echoOptional(Optional.empty()), Optional.empty()),
        c("Optional null", t -> t.echoOptional(null), null),
        c("Optional<User>", t -> t.echoOptionalUser(Optional.of(ADA)), Optional.of(ADA)),
        c("BigDecimal keeps scale", t -> t.echoBigDecimal(new BigDecimal("1.50")),
            new BigDecimal("1.50")),
        c("BigInteger", t -> t.echoBigInteger(BigInteger.TWO.pow(200).negate()),
            BigInteger.TWO.pow(200).negate()),
        c("UUID", t -> t.echoUuid(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
            UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
        c("Instant with nanos", t -> t.echoInstant(Instant.ofEpochSecond(-5, 1)),
            Instant.ofEpochSecond(-5, 1)),
        c("LocalDate", t -> t.echoLocalDate(LocalDate.of(-44, 3, 15)), LocalDate.of(-44, 3, 15)),
        c("LocalDateTime", t -> t.echoLocalDateTime(LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1)),
            LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1)),
        c("Duration", t -> t.echoDuration(Duration.ofSeconds(-3, 5)), Duration.ofSeconds(-3, 5)),
        c("record of everything", t -> t.echoEverything(everything), everything),
        c("record of everything null", t -> t.echoEverything(allNull), allNull),
        c("async Map<String, List<User>>", t -> t.echoAsync(byGroup).join(), byGroup));
  }

  @TestFactory
  Stream<DynamicTest> everyTypeRoundTrips() {
    return cases().stream()
        .map(
            k ->
                DynamicTest.dynamicTest(
                    k.name,
                    () -> {
                      Object actual = k.call.apply(types);
                      assertTrue(
                          Objects.deepEquals(k.expected, actual),
                          () -> "expected " + show(k.expected) + " but got " + show(actual));
                    }));
  }

  @Test
  void genericElementTypesSurviveNotJustValues() {
    List<Byte> bytes = types.echoByteList(List.of((byte) 7));
    assertEquals(Byte.class, bytes.get(0).getClass());

    Map<Integer, Set<Long>> nested = types.echoNested(Map.of(3, Set.of(4L)));
    Map.Entry<Integer, Set<Long>> e = nested.entrySet().iterator().next();
    assertEquals(Integer.class, e.getKey().getClass());
    assertEquals(Long.class, e.getValue().iterator().next().getClass());

    Map<String, List<User>> users = types.echoUsersByGroup(Map.of("g", List.of(ADA)));
    assertEquals(User.class, users.get("g").get(0).getClass());
    assertEquals(LocalDate.class, users.get("g").get(0).born().getClass());
  }

  @Test
  void nullComesBackAsNullNotAsAnEmptyValue() {
    assertNull(types.echoStringList(null));
    assertNull(types.echoBytes(null));
    assertNull(types.echoUser(null));
    assertNull(types.echoEverything(null));
  }

  private static String show(Object o) {
    if (o instanceof Object[]) {
      return Arrays.deepToString((Object[]) o);
    }
    if (o instanceof byte[]) {
      return Arrays.toString((byte[]) o);
    }
    if (o instanceof int[]) {
      return Arrays.toString((int[]) o);
    }
    return String.valueOf(o) + (o == null ? "" : " (" + o.getClass().getName() + ")");
  }
}
