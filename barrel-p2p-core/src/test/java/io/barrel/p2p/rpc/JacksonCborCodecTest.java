package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.CodecFixtures.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.rpc.CodecFixtures.Animal;
import io.barrel.p2p.rpc.CodecFixtures.Circle;
import io.barrel.p2p.rpc.CodecFixtures.Dog;
import io.barrel.p2p.rpc.CodecFixtures.Link;
import io.barrel.p2p.rpc.CodecFixtures.Point;
import io.barrel.p2p.rpc.CodecFixtures.PointWithZ;
import io.barrel.p2p.rpc.CodecFixtures.Shape;
import io.barrel.p2p.rpc.CodecFixtures.Square;
import java.lang.reflect.Method;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.cbor.CBORMapper;

class JacksonCborCodecTest {

  private final JacksonCborCodec codec = new JacksonCborCodec();

  @Test
  void argumentsAreOneDefiniteLengthCborArrayWithAnElementPerParameter() {
    byte[] bytes = codec.encodeArguments(method("text"), new Object[] {"a"});

    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("81" + "6161");
    assertThat(HexFormat.of().formatHex(codec.encodeArguments(method("noArgs"), null))).isEqualTo("80");
    assertThat(codec.decodeArguments(method("noArgs"), new byte[] {(byte) 0x80})).isEmpty();
  }

  @Test
  void byteArraysTravelAsNativeByteStrings() {
    byte[] bytes = codec.encodeResult(method("bytes"), new byte[] {1, 2, 3});

    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("43010203");
  }

  @Test
  void resultsAreDecodedIntoTheDeclaredGenericTypeNotIntoMaps() {
    Method future = method("future");
    byte[] bytes = codec.encodeResult(future, List.of(new Point(1, 2)));

    Object decoded = codec.decodeResult(future, bytes);

    assertThat(decoded).isEqualTo(List.of(new Point(1, 2)));
    assertThat(((List<?>) decoded).get(0)).isInstanceOf(Point.class);
    assertThat(codec.decodeResult(method("stream"), codec.encodeResult(method("stream"), new Point(3, 4))))
        .isEqualTo(new Point(3, 4));
  }

  @Test
  void emptyOptionalAndNullTravel() {
    Method optional = method("optional");
    assertThat(codec.decodeResult(optional, codec.encodeResult(optional, Optional.empty()))).isEqualTo(Optional.empty());
    assertThat(codec.decodeResult(method("record"), codec.encodeResult(method("record"), null))).isNull();
    Object[] args = codec.decodeArguments(method("text"), codec.encodeArguments(method("text"), new Object[] {null}));
    assertThat(args).containsExactly((Object) null);
  }

  @Test
  void zonedDateTimesKeepTheirZone() {
    ZonedDateTime paris = ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 123_456_789, ZoneId.of("Europe/Paris"));
    Object back = codec.decodeResult(method("time"), codec.encodeResult(method("time"),
        new CodecFixtures.Times(null, null, null, null, null, paris, null, null, null, null, null, null, null)));

    assertThat(((CodecFixtures.Times) back).zoned()).isEqualTo(paris);
  }

  @Test
  void voidResultsAreEmptyAndNothingElseIsAccepted() {
    assertThat(codec.encodeResult(method("nothing"), "ignored")).isEmpty();
    assertThat(codec.encodeResult(method("event"), null)).isEmpty();
    assertThat(codec.decodeResult(method("nothing"), new byte[0])).isNull();
    assertThatThrownBy(() -> codec.decodeResult(method("nothing"), new byte[] {(byte) 0xf6}))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("returns nothing");
    assertThatThrownBy(() -> codec.decodeResult(method("text"), new byte[0]))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("empty result");
  }

  @Test
  void logicalTypeNamesWithSubtypesDeclaredInCodeWork() {
    Method shape = method("shape");
    for (Shape s : List.of(new Circle(1.5), new Square(2))) {
      Object[] args = codec.decodeArguments(shape, codec.encodeArguments(shape, new Object[] {s}));
      assertThat(args).containsExactly(s);
    }
  }

  @Test
  void classNameTypeIdsAreRefusedSoTheBytesNeverChooseAClass() {
    Map<String, Object> dog = new LinkedHashMap<>();
    dog.put("@class", Dog.class.getName());
    dog.put("name", "rex");
    byte[] hostile = CBORMapper.shared().writeValueAsBytes(List.of(dog));
    Method animal = method("animal");

    assertThatThrownBy(() -> codec.decodeArguments(animal, hostile)).isInstanceOf(RpcCodecException.class)
        .hasMessageContaining("PolymorphicTypeValidator").hasMessageContaining("denied");
    assertThatThrownBy(() -> codec.decodeArguments(animal, codec.encodeArguments(animal, new Object[] {new Dog("a")})))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("denied");
    assertThat(Animal.class).isInterface();
  }

  @Test
  void aClassNameInsideAnObjectParameterStaysData() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("@class", "java.lang.ProcessBuilder");
    payload.put("command", List.of("rm", "-rf", "/"));
    Method anything = method("anything");

    Object[] args = codec.decodeArguments(anything, codec.encodeArguments(anything, new Object[] {payload}));

    assertThat(args[0]).isInstanceOf(Map.class).isEqualTo(payload);
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedOnReadAndOnWrite() {
    JacksonCborCodec shallow = new JacksonCborCodec(RpcLimits.defaults().withMaxNestingDepth(8));
    Object deep = List.of();
    for (int i = 0; i < 20; i++) {
      deep = List.of(deep);
    }
    Method anything = method("anything");
    byte[] bytes = codec.encodeArguments(anything, new Object[] {deep});

    assertThatThrownBy(() -> shallow.decodeArguments(anything, bytes)).isInstanceOf(RpcCodecException.class)
        .hasMessageContaining("nesting depth");
    Object finalDeep = deep;
    assertThatThrownBy(() -> shallow.encodeArguments(anything, new Object[] {finalDeep}))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("nesting depth");
  }

  @Test
  void aCyclicObjectGraphFailsToEncodeInsteadOfOverflowingTheStack() {
    Link a = new Link();
    Link b = new Link();
    a.setNext(b);
    b.setNext(a);

    assertThatThrownBy(() -> codec.encodeArguments(method("link"), new Object[] {a}))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("nesting depth");
  }

  @Test
  void stringsLongerThanTheMessageLimitAreRefused() {
    JacksonCborCodec small = new JacksonCborCodec(RpcLimits.defaults().withMaxFrameBytes(1024));
    byte[] bytes = codec.encodeArguments(method("text"), new Object[] {"x".repeat(5000)});

    assertThatThrownBy(() -> small.decodeArguments(method("text"), bytes)).isInstanceOf(RpcCodecException.class)
        .hasMessageContaining("exceeds the maximum allowed");
  }

  @Test
  void aFieldAddedOnOneSideIsIgnoredOnTheOther() {
    byte[] newer = codec.encodeArguments(method("recordWithZ"), new Object[] {new PointWithZ(1, 2, 3)});

    assertThat(codec.decodeArguments(method("record"), newer)).containsExactly(new Point(1, 2));
  }

  @Test
  void wrongArgumentCountsAndShapesAreRefused() {
    Method text = method("text");
    assertThatThrownBy(() -> codec.encodeArguments(text, new Object[] {"a", "b"}))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("takes 1 arguments, got 2");
    assertThatThrownBy(() -> codec.decodeArguments(text, new byte[] {(byte) 0x80}))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("got 0");
    assertThatThrownBy(() -> codec.decodeArguments(text, HexFormat.of().parseHex("8261616162")))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("got more");
    assertThatThrownBy(() -> codec.decodeArguments(text, HexFormat.of().parseHex("6161")))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("not a CBOR array");
    assertThatThrownBy(() -> codec.decodeArguments(text, HexFormat.of().parseHex("81616180")))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("bytes after");
    assertThatThrownBy(() -> codec.decodeArguments(text, new byte[0])).isInstanceOf(RpcCodecException.class);
    assertThatThrownBy(() -> codec.decodeArguments(text, HexFormat.of().parseHex("81")))
        .isInstanceOf(RpcCodecException.class);
  }

  @Test
  void wrongValueTypesAreRefused() {
    assertThatThrownBy(() -> codec.decodeArguments(method("enumeration"), HexFormat.of().parseHex("8165" + "50494e4b00")))
        .isInstanceOf(RpcCodecException.class);
    byte[] nullForInt = HexFormat.of().parseHex("88" + "f6" + "00" + "00" + "00" + "00" + "00" + "f4" + "6161");
    assertThatThrownBy(() -> codec.decodeArguments(method("primitives"), nullForInt))
        .isInstanceOf(RpcCodecException.class);
    assertThatThrownBy(() -> codec.decodeArguments(method("record"), HexFormat.of().parseHex("8163616263")))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("record(");
  }

  @Test
  void methodsTheRpcLayerCannotCarryAreRefusedByTheCodecToo() {
    assertThatThrownBy(() -> codec.encodeArguments(method("typed"), new Object[] {String.class}))
        .isInstanceOf(RpcCodecException.class).hasMessageContaining("type parameters");
  }

  @Test
  void theCodecIsSafeToShareBetweenThreads() throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int base = t * 1000;
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; i < 500; i++) {
            Point p = new Point(base + i, i);
            Object[] back = codec.decodeArguments(method("record"),
                codec.encodeArguments(method("record"), new Object[] {p}));
            if (!p.equals(back[0])) {
              errors.add(new AssertionError(p + " came back as " + back[0]));
            }
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(errors).isEmpty();
  }
}
