package io.minirpc.bench.model;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

/** The user of the UserService benchmark that Dubbo's and other public RPC benchmarks use. */
public record User(
    long id,
    String name,
    int sex,
    LocalDate birthday,
    String email,
    String mobile,
    String address,
    String icon,
    List<Integer> rights,
    LocalDateTime createTime,
    LocalDateTime updateTime,
    int status) {}
