package io.minirpc.bench.model;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The benchmark's data and its implementation of both service interfaces, as in Dubbo's
 * benchmark: every answer is built afresh, so that each system does the same work per call.
 */
public final class Users implements UserService {
  /** Users per page of {@link #listUser}. */
  public static final int PAGE_SIZE = 15;

  private static final LocalDate BIRTHDAY = LocalDate.of(2000, 1, 1);
  private static final LocalDateTime CREATED = LocalDateTime.of(2026, 11, 24, 12, 0, 0);
  private static final List<Integer> RIGHTS = List.of(1, 2, 3, 4, 5, 6, 7, 8);

  /** The user with {@code id}, with the same field values the other systems send. */
  public static User user(long id) {
    return new User(
        id,
        "Doug Lea",
        1,
        BIRTHDAY,
        "dong.lea@gmail.com",
        "18612345678",
        "北京市 中关村 中关村大街1号 鼎好大厦 1605",
        "https://www.baidu.com/img/bd_logo1.png",
        RIGHTS,
        CREATED,
        CREATED,
        1);
  }

  /** Page {@code pageNo} of users. */
  public static Page<User> page(int pageNo) {
    List<User> users = new ArrayList<>(PAGE_SIZE);
    for (int i = 0; i < PAGE_SIZE; i++) {
      users.add(user(pageNo * PAGE_SIZE + i));
    }
    return new Page<>(pageNo, 1000, users);
  }

  @Override
  public boolean existUser(String email) {
    return email != null && !email.isEmpty() && email.charAt(0) != 'z';
  }

  @Override
  public boolean createUser(User user) {
    return user != null;
  }

  @Override
  public User getUser(long id) {
    return user(id);
  }

  @Override
  public Page<User> listUser(int pageNo) {
    return page(pageNo);
  }

  /** The async interface over the same answers; names differ only in the future. */
  public UserServiceAsync async() {
    Users self = this;
    return new UserServiceAsync() {
      @Override
      public CompletableFuture<Boolean> existUser(String email) {
        return CompletableFuture.completedFuture(self.existUser(email));
      }

      @Override
      public CompletableFuture<Boolean> createUser(User user) {
        return CompletableFuture.completedFuture(self.createUser(user));
      }

      @Override
      public CompletableFuture<User> getUser(long id) {
        return CompletableFuture.completedFuture(self.getUser(id));
      }

      @Override
      public CompletableFuture<Page<User>> listUser(int pageNo) {
        return CompletableFuture.completedFuture(self.listUser(pageNo));
      }
    };
  }
}
