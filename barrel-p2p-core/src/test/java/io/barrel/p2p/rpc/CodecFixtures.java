package io.barrel.p2p.rpc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Types and a service interface covering what the argument codec supports. */
final class CodecFixtures {

  private CodecFixtures() {}

  enum Color { RED, GREEN, BLUE }

  record Point(int x, int y) {}

  record PointWithZ(int x, int y, int z) {}

  record Envelope<T>(String id, T body, List<T> history) {}

  record Times(Instant instant, LocalDate date, LocalTime time, LocalDateTime dateTime, OffsetDateTime offset,
      ZonedDateTime zoned, Duration duration, Period period, Year year, YearMonth yearMonth, MonthDay monthDay,
      ZoneId zone, ZoneOffset zoneOffset) {}

  record Numbers(int i, long l, double d, float f, short s, byte b, boolean flag, char c) {}

  record Blob(String name, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Blob b && Objects.equals(b.name, name) && Arrays.equals(b.data, data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, Arrays.hashCode(data));
    }
  }

  /** A mutable bean with a default constructor and accessors. */
  public static final class Bean {
    private String name;
    private List<Integer> scores;
    private Map<String, Point> places;
    private Color color;

    public Bean() {}

    Bean(String name, List<Integer> scores, Map<String, Point> places, Color color) {
      this.name = name;
      this.scores = scores;
      this.places = places;
      this.color = color;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public List<Integer> getScores() {
      return scores;
    }

    public void setScores(List<Integer> scores) {
      this.scores = scores;
    }

    public Map<String, Point> getPlaces() {
      return places;
    }

    public void setPlaces(Map<String, Point> places) {
      this.places = places;
    }

    public Color getColor() {
      return color;
    }

    public void setColor(Color color) {
      this.color = color;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bean b && Objects.equals(b.name, name) && Objects.equals(b.scores, scores)
          && Objects.equals(b.places, places) && b.color == color;
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, scores, places, color);
    }

    @Override
    public String toString() {
      return "Bean[" + name + ", " + scores + ", " + places + ", " + color + "]";
    }
  }

  /** A node of a linked list, to build a cycle. */
  public static final class Link {
    private Link next;

    public Link getNext() {
      return next;
    }

    public void setNext(Link next) {
      this.next = next;
    }
  }

  /** Polymorphism with an allow-list in the code: logical names, not class names. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
  @JsonSubTypes({@JsonSubTypes.Type(value = Circle.class, name = "circle"),
      @JsonSubTypes.Type(value = Square.class, name = "square")})
  sealed interface Shape permits Circle, Square {}

  record Circle(double radius) implements Shape {}

  record Square(double side) implements Shape {}

  /** Class-name type ids: what the codec must refuse to read. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
  interface Animal {}

  record Dog(String name) implements Animal {}

  /** One method per supported kind of type. */
  interface Codecs {
    String text(String s);

    Numbers primitives(int i, long l, double d, float f, short s, byte b, boolean flag, char c);

    Integer boxed(Integer i, Long l, Double d, Boolean b);

    byte[] bytes(byte[] b);

    Blob blob(Blob b);

    Point record(Point p);

    PointWithZ recordWithZ(PointWithZ p);

    Envelope<Point> generic(Envelope<Point> e);

    Bean pojo(Bean b);

    List<Map<String, Set<Color>>> collections(List<Map<String, Set<Color>>> c);

    Map<Color, List<Long>> enumKeys(Map<Color, List<Long>> m);

    Optional<Point> optional(Optional<Point> p);

    Color enumeration(Color c);

    Times time(Times t);

    Point[] array(Point[] a);

    BigDecimal big(BigInteger i, BigDecimal d);

    UUID uuid(UUID u);

    Shape shape(Shape s);

    Animal animal(Animal a);

    Object anything(Object o);

    Link link(Link l);

    CompletableFuture<List<Point>> future(String key);

    Flow.Publisher<Point> stream(int count);

    void nothing(String s);

    @OneWay
    void event(String s);

    String noArgs();

    <T> T typed(Class<T> type);
  }

  static java.lang.reflect.Method method(String name) {
    return Arrays.stream(Codecs.class.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }
}
