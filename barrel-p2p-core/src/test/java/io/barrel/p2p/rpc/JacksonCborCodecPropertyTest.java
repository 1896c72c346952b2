package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.CodecFixtures.method;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.rpc.CodecFixtures.Bean;
import io.barrel.p2p.rpc.CodecFixtures.Blob;
import io.barrel.p2p.rpc.CodecFixtures.Circle;
import io.barrel.p2p.rpc.CodecFixtures.Color;
import io.barrel.p2p.rpc.CodecFixtures.Envelope;
import io.barrel.p2p.rpc.CodecFixtures.Numbers;
import io.barrel.p2p.rpc.CodecFixtures.Point;
import io.barrel.p2p.rpc.CodecFixtures.Shape;
import io.barrel.p2p.rpc.CodecFixtures.Square;
import io.barrel.p2p.rpc.CodecFixtures.Times;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every supported kind of type survives encode then decode, as an argument and as a result. */
class JacksonCborCodecPropertyTest {

  private static final JacksonCborCodec CODEC = new JacksonCborCodec();
  private static final List<String> ZONES = List.of("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata",
      "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns");

  @Property(tries = 300)
  void strings(@ForAll("texts") String s) {
    assertRoundTrip("text", s);
  }

  @Property(tries = 300)
  void primitives(@ForAll("numbers") Numbers n) {
    Method m = method("primitives");
    Object[] args = {n.i(), n.l(), n.d(), n.f(), n.s(), n.b(), n.flag(), n.c()};
    assertThat(CODEC.decodeArguments(m, CODEC.encodeArguments(m, args))).containsExactly(args);
    assertThat(CODEC.decodeResult(m, CODEC.encodeResult(m, n))).isEqualTo(n);
  }

  @Property(tries = 200)
  void boxedValuesAndNulls(@ForAll("boxedInts") Integer i, @ForAll("boxedLongs") Long l,
      @ForAll("boxedDoubles") Double d, @ForAll("boxedBooleans") Boolean b) {
    Method m = method("boxed");
    Object[] args = {i, l, d, b};
    assertThat(CODEC.decodeArguments(m, CODEC.encodeArguments(m, args))).containsExactly(args);
  }

  @Property(tries = 300)
  void byteArrays(@ForAll("byteArrays") byte[] bytes) {
    Method m = method("bytes");
    Object[] back = CODEC.decodeArguments(m, CODEC.encodeArguments(m, new Object[] {bytes}));
    assertThat((byte[]) back[0]).isEqualTo(bytes);
    assertThat((byte[]) CODEC.decodeResult(m, CODEC.encodeResult(m, bytes))).isEqualTo(bytes);
  }

  @Property(tries = 200)
  void recordsHoldingBytes(@ForAll("blobs") Blob blob) {
    assertRoundTrip("blob", blob);
  }

  @Property(tries = 300)
  void records(@ForAll("points") Point p) {
    assertRoundTrip("record", p);
  }

  @Property(tries = 300)
  void genericRecords(@ForAll("envelopes") Envelope<Point> e) {
    assertRoundTrip("generic", e);
  }

  @Property(tries = 300)
  void pojos(@ForAll("beans") Bean bean) {
    assertRoundTrip("pojo", bean);
  }

  @Property(tries = 300)
  void nestedCollections(@ForAll("collections") List<Map<String, Set<Color>>> c) {
    assertRoundTrip("collections", c);
  }

  @Property(tries = 200)
  void mapsWithEnumKeys(@ForAll("enumKeyMaps") Map<Color, List<Long>> m) {
    assertRoundTrip("enumKeys", m);
  }

  @Property(tries = 200)
  void optionals(@ForAll("optionals") Optional<Point> o) {
    assertRoundTrip("optional", o);
  }

  @Property(tries = 50)
  void enums(@ForAll Color c) {
    assertRoundTrip("enumeration", c);
  }

  @Property(tries = 500)
  void javaTimeValuesExactlyIncludingNanosZonesAndOffsets(@ForAll("times") Times t) {
    assertRoundTrip("time", t);
  }

  @Property(tries = 200)
  void arrays(@ForAll("pointArrays") Point[] points) {
    Method m = method("array");
    Object[] back = CODEC.decodeArguments(m, CODEC.encodeArguments(m, new Object[] {points}));
    assertThat((Point[]) back[0]).containsExactly(points);
    assertThat((Point[]) CODEC.decodeResult(m, CODEC.encodeResult(m, points))).containsExactly(points);
  }

  @Property(tries = 300)
  void bigNumbers(@ForAll BigInteger i, @ForAll("decimals") BigDecimal d) {
    Method m = method("big");
    Object[] args = {i, d};
    assertThat(CODEC.decodeArguments(m, CODEC.encodeArguments(m, args))).containsExactly(args);
    assertThat(CODEC.decodeResult(m, CODEC.encodeResult(m, d))).isEqualTo(d);
  }

  @Property(tries = 200)
  void uuids(@ForAll("uuids") UUID u) {
    assertRoundTrip("uuid", u);
  }

  @Property(tries = 200)
  void sealedHierarchiesWithLogicalTypeNames(@ForAll("shapes") Shape s) {
    assertRoundTrip("shape", s);
  }

  @Property(tries = 300)
  void untypedValuesComeBackAsPlainMapsListsAndScalars(@ForAll("untyped") Object value) {
    assertRoundTrip("anything", value);
  }

  @Property(tries = 200)
  void futureAndStreamElementTypes(@ForAll("pointLists") List<Point> points, @ForAll("points") Point p) {
    Method future = method("future");
    assertThat(CODEC.decodeResult(future, CODEC.encodeResult(future, points))).isEqualTo(points);
    Method stream = method("stream");
    assertThat(CODEC.decodeResult(stream, CODEC.encodeResult(stream, p))).isEqualTo(p);
  }

  private static void assertRoundTrip(String name, Object value) {
    Method m = method(name);
    Object[] back = CODEC.decodeArguments(m, CODEC.encodeArguments(m, new Object[] {value}));
    assertThat(back).containsExactly(value);
    assertThat(CODEC.decodeResult(m, CODEC.encodeResult(m, value))).isEqualTo(value);
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<String> texts() {
    return RpcFrameArbitraries.text(0, 300);
  }

  @Provide
  Arbitrary<Numbers> numbers() {
    Arbitrary<Character> chars = Arbitraries.chars().range((char) 0, (char) 0xd7ff);
    return Combinators.combine(Arbitraries.integers(), Arbitraries.longs(), Arbitraries.doubles(),
        Arbitraries.floats(), Arbitraries.shorts(), Arbitraries.bytes(), Arbitraries.of(true, false), chars)
        .as(Numbers::new);
  }

  @Provide
  Arbitrary<Integer> boxedInts() {
    return Arbitraries.integers().injectNull(0.2);
  }

  @Provide
  Arbitrary<Long> boxedLongs() {
    return Arbitraries.longs().injectNull(0.2);
  }

  @Provide
  Arbitrary<Double> boxedDoubles() {
    return Arbitraries.doubles().injectNull(0.2);
  }

  @Provide
  Arbitrary<Boolean> boxedBooleans() {
    return Arbitraries.of(true, false).injectNull(0.2);
  }

  @Provide
  Arbitrary<byte[]> byteArrays() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
  }

  @Provide
  Arbitrary<Blob> blobs() {
    return Combinators.combine(RpcFrameArbitraries.text(0, 20).injectNull(0.1), byteArrays().injectNull(0.1))
        .as(Blob::new);
  }

  @Provide
  Arbitrary<Point> points() {
    return Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(Point::new);
  }

  @Provide
  Arbitrary<List<Point>> pointLists() {
    return points().list().ofMaxSize(20);
  }

  @Provide
  Arbitrary<Point[]> pointArrays() {
    return points().array(Point[].class).ofMaxSize(20);
  }

  @Provide
  Arbitrary<Envelope<Point>> envelopes() {
    return Combinators.combine(RpcFrameArbitraries.text(0, 20), points().injectNull(0.2), pointLists())
        .as(Envelope::new);
  }

  @Provide
  Arbitrary<Bean> beans() {
    Arbitrary<Map<String, Point>> places = Arbitraries.maps(RpcFrameArbitraries.text(0, 10), points()).ofMaxSize(5);
    return Combinators.combine(RpcFrameArbitraries.text(0, 30).injectNull(0.1),
        Arbitraries.integers().list().ofMaxSize(10).injectNull(0.1), places.injectNull(0.1),
        Arbitraries.of(Color.class).injectNull(0.2)).as(Bean::new);
  }

  @Provide
  Arbitrary<List<Map<String, Set<Color>>>> collections() {
    return Arbitraries.maps(RpcFrameArbitraries.text(0, 10), Arbitraries.of(Color.class).set())
        .ofMaxSize(4).list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<Map<Color, List<Long>>> enumKeyMaps() {
    return Arbitraries.maps(Arbitraries.of(Color.class), Arbitraries.longs().list().ofMaxSize(5));
  }

  @Provide
  Arbitrary<Optional<Point>> optionals() {
    return points().optional(0.7);
  }

  @Provide
  Arbitrary<BigDecimal> decimals() {
    return Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(),
        BigInteger.TEN.pow(30)), Arbitraries.integers().between(-40, 40)).as(BigDecimal::new);
  }

  @Provide
  Arbitrary<UUID> uuids() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
  }

  @Provide
  Arbitrary<Shape> shapes() {
    return Arbitraries.oneOf(Arbitraries.doubles().map(Circle::new), Arbitraries.doubles().map(Square::new));
  }

  @Provide
  Arbitrary<Object> untyped() {
    Arbitrary<Object> scalars = Arbitraries.oneOf(RpcFrameArbitraries.text(0, 20).map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i), Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.doubles().filter(d -> d != Math.rint(d)).map(d -> (Object) d));
    Arbitrary<Object> lists = scalars.list().ofMaxSize(5).map(l -> (Object) l);
    Arbitrary<Object> maps = Arbitraries.maps(RpcFrameArbitraries.text(0, 10), Arbitraries.oneOf(scalars, lists))
        .ofMaxSize(5).map(m -> (Object) m);
    return Arbitraries.oneOf(scalars, lists, maps);
  }

  @Provide
  Arbitrary<Times> times() {
    Arbitrary<Instant> instants = Combinators.combine(
        Arbitraries.longs().between(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(),
            Instant.parse("9999-12-31T23:59:59Z").getEpochSecond()),
        Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
    Arbitrary<LocalDate> dates = Arbitraries.longs().between(LocalDate.of(1, 1, 1).toEpochDay(),
        LocalDate.of(9999, 12, 31).toEpochDay()).map(LocalDate::ofEpochDay);
    Arbitrary<LocalTime> clock = Arbitraries.longs().between(0, 86_400L * 1_000_000_000 - 1).map(LocalTime::ofNanoOfDay);
    Arbitrary<LocalDateTime> dateTimes = Combinators.combine(dates, clock).as(LocalDateTime::of);
    Arbitrary<ZoneOffset> offsets = Arbitraries.integers().between(-18 * 3600, 18 * 3600)
        .map(ZoneOffset::ofTotalSeconds);
    Arbitrary<ZoneId> zones = Arbitraries.of(ZONES).map(ZoneId::of);
    Arbitrary<OffsetDateTime> offsetDateTimes = Combinators.combine(dateTimes, offsets).as(OffsetDateTime::of);
    Arbitrary<ZonedDateTime> zoned = Combinators.combine(dateTimes.filter(d -> d.getYear() > 1900 && d.getYear() < 2200),
        zones).as(ZonedDateTime::of);
    Arbitrary<Duration> durations = Combinators.combine(Arbitraries.longs().between(-1_000_000_000_000L,
        1_000_000_000_000L), Arbitraries.integers().between(0, 999_999_999)).as(Duration::ofSeconds);
    Arbitrary<Period> periods = Combinators.combine(Arbitraries.integers().between(-100, 100),
        Arbitraries.integers().between(-100, 100), Arbitraries.integers().between(-1000, 1000)).as(Period::of);
    Arbitrary<Year> years = Arbitraries.integers().between(1, 9999).map(Year::of);
    Arbitrary<YearMonth> yearMonths = Combinators.combine(Arbitraries.integers().between(1, 9999),
        Arbitraries.integers().between(1, 12)).as(YearMonth::of);
    Arbitrary<MonthDay> monthDays = dates.map(d -> MonthDay.of(d.getMonth(), d.getDayOfMonth()));
    Arbitrary<Object[]> first = Combinators.combine(instants, dates, clock, dateTimes, offsetDateTimes, zoned)
        .as((a, b, c, d, e, f) -> new Object[] {a, b, c, d, e, f});
    Arbitrary<Object[]> second = Combinators.combine(durations, periods, years, yearMonths, monthDays, zones,
        offsets).as((a, b, c, d, e, f, g) -> new Object[] {a, b, c, d, e, f, g});
    return Combinators.combine(first, second).as((x, y) -> new Times((Instant) x[0], (LocalDate) x[1],
        (LocalTime) x[2], (LocalDateTime) x[3], (OffsetDateTime) x[4], (ZonedDateTime) x[5], (Duration) y[0],
        (Period) y[1], (Year) y[2], (YearMonth) y[3], (MonthDay) y[4], (ZoneId) y[5], (ZoneOffset) y[6]));
  }
}
