package io.minirpc.bench;

/** The four methods of the UserService benchmark. */
enum Workload {
  EXIST_USER("existUser"),
  CREATE_USER("createUser"),
  GET_USER("getUser"),
  LIST_USER("listUser");

  final String methodName;

  Workload(String methodName) {
    this.methodName = methodName;
  }

  static Workload of(String name) {
    for (Workload w : values()) {
      if (w.methodName.equalsIgnoreCase(name) || w.name().equalsIgnoreCase(name)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown method '" + name + "'; use existUser, createUser,"
        + " getUser or listUser");
  }

  @Override
  public String toString() {
    return methodName;
  }
}
