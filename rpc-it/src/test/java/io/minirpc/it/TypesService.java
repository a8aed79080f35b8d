package io.minirpc.it;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** One echo method per type of the fidelity matrix; the server returns what it got. */
public interface TypesService {
  boolean echoBoolean(boolean v);

  byte echoByte(byte v);

  short echoShort(short v);

  char echoChar(char v);

  int echoInt(int v);

  long echoLong(long v);

  float echoFloat(float v);

  double echoDouble(double v);

  Boolean echoBoxedBoolean(Boolean v);

  Integer echoBoxedInt(Integer v);

  Long echoBoxedLong(Long v);

  Double echoBoxedDouble(Double v);

  Character echoBoxedChar(Character v);

  String echoString(String v);

  byte[] echoBytes(byte[] v);

  int[] echoInts(int[] v);

  long[][] echoMatrix(long[][] v);

  String[] echoStrings(String[] v);

  User[] echoUserArray(User[] v);

  Color echoEnum(Color v);

  User echoUser(User v);

  Account echoAccount(Account v);

  List<Byte> echoByteList(List<Byte> v);

  List<String> echoStringList(List<String> v);

  Set<Color> echoColorSet(Set<Color> v);

  Map<Integer, Set<Long>> echoNested(Map<Integer, Set<Long>> v);

  Map<String, List<User>> echoUsersByGroup(Map<String, List<User>> v);

  Optional<String> echoOptional(Optional<String> v);

  Optional<User> echoOptionalUser(Optional<User> v);

  BigDecimal echoBigDecimal(BigDecimal v);

  BigInteger echoBigInteger(BigInteger v);

  UUID echoUuid(UUID v);

  Instant echoInstant(Instant v);

  LocalDate echoLocalDate(LocalDate v);

  LocalDateTime echoLocalDateTime(LocalDateTime v);

  Duration echoDuration(Duration v);

  Everything echoEverything(Everything v);

  CompletableFuture<Map<String, List<User>>> echoAsync(Map<String, List<User>> v);

  Set<Tag> echoTagSet(Set<Tag> v);

  /** An implementation that returns its argument, asynchronously for async methods. */
  static TypesService echo() {
    return (TypesService)
        Proxy.newProxyInstance(
            TypesService.class.getClassLoader(),
            new Class<?>[] {TypesService.class},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("hashCode") ? 0 : method.getName();
              }
              return method.getReturnType() == CompletableFuture.class
                  ? CompletableFuture.completedFuture(args[0])
                  : args[0];
            });
  }

  enum Color {
    RED,
    GREEN,
    BLUE
  }

  /** Not Comparable: a set of them whose hashes collide is a list that every insertion walks. */
  record Tag(String name) {}

  record Address(String street, String city, Optional<String> zip) {}

  record User(long id, String name, List<String> tags, Address address, LocalDate born) {}

  /** A plain class: private fields, no getters, a no-arg constructor. */
  final class Account {
    private String owner;
    private BigDecimal balance;
    private List<Long> history;
    private transient String cache;

    Account() {}

    public Account(String owner, BigDecimal balance, List<Long> history) {
      this.owner = owner;
      this.balance = balance;
      this.history = history;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Account
          && Objects.equals(owner, ((Account) o).owner)
          && Objects.equals(balance, ((Account) o).balance)
          && Objects.equals(history, ((Account) o).history);
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, balance, history);
    }

    @Override
    public String toString() {
      return "Account(" + owner + ", " + balance + ", " + history + ")";
    }
  }

  /** Every type at once, with room for nulls in each position. */
  record Everything(
      int i,
      Integer boxed,
      String s,
      byte[] bytes,
      Color color,
      List<User> users,
      Map<String, Integer> counts,
      Optional<Long> maybe,
      BigDecimal amount,
      BigInteger big,
      UUID id,
      Instant at,
      LocalDateTime local,
      Duration took,
      Account account) {
    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Everything)) {
        return false;
      }
      Everything e = (Everything) o;
      return i == e.i
          && Objects.equals(boxed, e.boxed)
          && Objects.equals(s, e.s)
          && java.util.Arrays.equals(bytes, e.bytes)
          && color == e.color
          && Objects.equals(users, e.users)
          && Objects.equals(counts, e.counts)
          && Objects.equals(maybe, e.maybe)
          && Objects.equals(amount, e.amount)
          && Objects.equals(big, e.big)
          && Objects.equals(id, e.id)
          && Objects.equals(at, e.at)
          && Objects.equals(local, e.local)
          && Objects.equals(took, e.took)
          && Objects.equals(account, e.account);
    }

    @Override
    public int hashCode() {
      return Objects.hash(i, s, color);
    }
  }
}
