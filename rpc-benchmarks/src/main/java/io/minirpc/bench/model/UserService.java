package io.minirpc.bench.model;

/** The benchmark's service, called blocking. */
public interface UserService {
  boolean existUser(String email);

  boolean createUser(User user);

  User getUser(long id);

  Page<User> listUser(int pageNo);
}
