package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class MethodIdTest {

  interface Golden {
    void ping();

    String echo(String s);

    int add(int a, int b);

    long add(long a, long b);

    void put(Map<String, List<Integer>> m);

    byte[] bytes(byte[] b, String... rest);

    void wild(List<? extends Number> a, List<? super Integer> b, List<?> c);

    void lists(List<String>[] lists);

    void nested(Outer.Inner inner);

    void grüße(String s);
  }

  interface Repo<T extends Comparable<T>> {
    void save(T value);
  }

  interface RenamedRepo<E extends Comparable<E>> {
    void save(E value);
  }

  interface AsyncGolden {
    CompletableFuture<String> echo(String s);

    Flow.Publisher<String> ping();
  }

  static final class Outer {
    static final class Inner {}
  }

  /** Computed independently (Python hashlib) from the canonical strings; a change here breaks the wire. */
  @Test
  void goldenSignaturesAndIds() throws NoSuchMethodException {
    assertGolden(method(Golden.class, "ping"), "ping()", 0xccc7282aabf636d5L);
    assertGolden(method(Golden.class, "echo"), "echo(java.lang.String)", 0x31eb1413ae643410L);
    assertGolden(Golden.class.getMethod("add", int.class, int.class), "add(int,int)", 0xdcad5462a3f58d73L);
    assertGolden(Golden.class.getMethod("add", long.class, long.class), "add(long,long)", 0x56bede7c53e0ea09L);
    assertGolden(method(Golden.class, "put"),
        "put(java.util.Map<java.lang.String,java.util.List<java.lang.Integer>>)", 0x4afebb179663e24eL);
    assertGolden(method(Golden.class, "bytes"), "bytes(byte[],java.lang.String[])", 0x7b3505590dcce576L);
    assertGolden(method(Golden.class, "wild"), "wild(java.util.List<? extends java.lang.Number>,"
        + "java.util.List<? super java.lang.Integer>,java.util.List<?>)", 0xacc5023a3af48aa7L);
    assertGolden(method(Repo.class, "save"), "save(java.lang.Comparable)", 0x5b8b88157b3dce0fL);
    assertGolden(method(Golden.class, "lists"), "lists(java.util.List<java.lang.String>[])", 0x0c8ee511cfc239a8L);
    assertGolden(method(Golden.class, "nested"), "nested(io.barrel.p2p.rpc.MethodIdTest$Outer$Inner)",
        0x08f68f54b9199413L);
    assertGolden(method(Golden.class, "grüße"), "grüße(java.lang.String)", 0x8efc50b70120370aL);
  }

  @Test
  void overloadsGetDifferentIds() throws NoSuchMethodException {
    MethodId ints = MethodId.of(Golden.class.getMethod("add", int.class, int.class));
    MethodId longs = MethodId.of(Golden.class.getMethod("add", long.class, long.class));

    assertThat(ints).isNotEqualTo(longs);
  }

  @Test
  void theReturnTypeAndItsShapeDoNotChangeTheId() {
    assertThat(MethodId.of(method(AsyncGolden.class, "echo"))).isEqualTo(MethodId.of(method(Golden.class, "echo")));
    assertThat(MethodId.of(method(AsyncGolden.class, "ping"))).isEqualTo(MethodId.of(method(Golden.class, "ping")));
  }

  @Test
  void renamingATypeVariableKeepsTheId() {
    assertThat(MethodId.of(method(RenamedRepo.class, "save"))).isEqualTo(MethodId.of(method(Repo.class, "save")));
  }

  @Test
  void theIdIsTheSameForEveryComputationAndPrintsAsSixteenHexDigits() {
    Method echo = method(Golden.class, "echo");

    assertThat(MethodId.of(echo)).isEqualTo(MethodId.of(echo)).isEqualTo(MethodId.ofSignature("echo(java.lang.String)"));
    assertThat(MethodId.of(echo)).hasToString("31eb1413ae643410");
    assertThat(new MethodId(1)).hasToString("0000000000000001");
  }

  @Test
  void everyMethodOfAnInterfaceGetsItsOwnId() {
    assertThat(Arrays.stream(Golden.class.getMethods()).map(MethodId::of)).doesNotHaveDuplicates()
        .hasSize(Golden.class.getMethods().length);
  }

  private static void assertGolden(Method method, String signature, long id) {
    assertThat(MethodId.signature(method)).isEqualTo(signature);
    assertThat(MethodId.of(method)).isEqualTo(new MethodId(id));
  }

  private static Method method(Class<?> type, String name) {
    return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }
}
