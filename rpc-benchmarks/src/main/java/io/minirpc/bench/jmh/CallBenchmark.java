package io.minirpc.bench.jmh;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.bench.model.Page;
import io.minirpc.bench.model.User;
import io.minirpc.bench.model.UserService;
import io.minirpc.bench.model.Users;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One blocking call over loopback, client and server in this JVM: {@code getUser} (one small
 * record, which compression must leave alone) and {@code listUser} (a page of records, where it
 * pays on a real network and costs CPU on loopback). With {@code -prof gc}, {@code
 * gc.alloc.rate.norm} is the allocation of both sides of one call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CallBenchmark {
  @Param({"kryo", "json"})
  public String codec;

  /** {@code minirpc.compression} of the client. */
  @Param({"none", "gzip", "lz4"})
  public String compression;

  private RpcServer server;
  private RpcClient client;
  private UserService users;

  @Setup(Level.Trial)
  public void setUp() {
    server = RpcServer.builder().host("127.0.0.1").port(0)
        .register(UserService.class, new Users()).build().start();
    client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .compression(compression).build();
    users = client.proxy(UserService.class);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    server.close();
  }

  @Benchmark
  public User getUser() {
    return users.getUser(42);
  }

  @Benchmark
  public Page<User> listUser() {
    return users.listUser(1);
  }
}
