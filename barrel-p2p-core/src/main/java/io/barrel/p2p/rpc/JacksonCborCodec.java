package io.barrel.p2p.rpc;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.dataformat.cbor.CBORFactory;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * The default {@link RpcCodec}: Jackson 3 writing CBOR (RFC 8949), typed by the method's declared
 * generic types. CBOR rather than Smile because it is an IETF standard with readers in every
 * language (a non-Java peer can speak the protocol) and carries {@code byte[]} as native byte
 * strings; Smile's back-references save little on RPC-sized payloads.
 *
 * <p>Arguments are one CBOR array with an element per parameter, each written and read with the
 * parameter's declared type; a result is one CBOR value of the method's value type; a void result
 * is zero bytes. Supported: records, POJOs (a default constructor and setters, or a
 * {@code @JsonCreator}), generic types, collections and maps, arrays, {@code Optional}, enums (by
 * name), {@code byte[]}, {@code java.time} values (ISO-8601 text, zone ids kept, never shifted to
 * another zone), and anything else Jackson binds without type ids. A parameter declared
 * {@code Object} decodes to plain maps, lists, strings and numbers.
 *
 * <p>Safe by construction: no default typing, and class-name type ids ({@code @JsonTypeInfo(use =
 * CLASS)}) are refused by a deny-all {@link PolymorphicTypeValidator}, so the bytes can never name
 * a class to instantiate; logical type names ({@code use = NAME} with {@code @JsonSubTypes}) keep
 * working because their allow-list is in the code. Reading is bounded by Jackson's
 * {@link StreamReadConstraints}: document length and string length at the maximum message size,
 * nesting at {@link RpcLimits#maxNestingDepth()}; writing is bounded by the same nesting depth,
 * which also stops cyclic object graphs. Unknown properties are ignored so a field added on one
 * side does not break the other.
 */
public final class JacksonCborCodec implements RpcCodec {

  private static final byte[] NOTHING = new byte[0];

  private final CBORMapper mapper;
  private final Map<Method, Binding> bindings = new ConcurrentHashMap<>();

  /** A codec with the default limits. */
  public JacksonCborCodec() {
    this(RpcLimits.defaults());
  }

  /** A codec bounded by {@code limits}. */
  public JacksonCborCodec(RpcLimits limits) {
    Objects.requireNonNull(limits, "limits");
    StreamReadConstraints read = StreamReadConstraints.builder()
        .maxNestingDepth(limits.maxNestingDepth())
        .maxDocumentLength(limits.maxFrameBytes())
        .maxStringLength(limits.maxFrameBytes())
        .build();
    StreamWriteConstraints write = StreamWriteConstraints.builder()
        .maxNestingDepth(limits.maxNestingDepth())
        .build();
    CBORFactory factory = CBORFactory.builder().streamReadConstraints(read).streamWriteConstraints(write).build();
    this.mapper = CBORMapper.builder(factory)
        .polymorphicTypeValidator(new DenyAllTypeIds())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .enable(DateTimeFeature.WRITE_DATES_WITH_ZONE_ID)
        .disable(DateTimeFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .build();
  }

  @Override
  public byte[] encodeArguments(Method method, Object[] arguments) {
    Binding binding = binding(method);
    Object[] args = arguments == null ? new Object[0] : arguments;
    if (args.length != binding.parameters.length) {
      throw new RpcCodecException(binding.rpc.describe() + " takes " + binding.parameters.length
          + " arguments, got " + args.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = mapper.createGenerator(out)) {
      g.writeStartArray(args, args.length);
      for (int i = 0; i < args.length; i++) {
        binding.writers[i].writeValue(g, args[i]);
      }
      g.writeEndArray();
    } catch (RuntimeException | StackOverflowError e) {
      throw new RpcCodecException("could not encode the arguments of " + binding.rpc.describe() + ": "
          + firstLine(e), e);
    }
    return out.toByteArray();
  }

  @Override
  public Object[] decodeArguments(Method method, byte[] bytes) {
    Binding binding = binding(method);
    Objects.requireNonNull(bytes, "bytes");
    int count = binding.parameters.length;
    Object[] args = new Object[count];
    try (JsonParser p = mapper.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new RpcCodecException("the arguments of " + binding.rpc.describe() + " are not a CBOR array");
      }
      for (int i = 0; i < count; i++) {
        JsonToken token = p.nextToken();
        if (token == JsonToken.END_ARRAY || token == null) {
          throw new RpcCodecException(binding.rpc.describe() + " takes " + count + " arguments, got " + i);
        }
        args[i] = binding.readers[i].readValue(p);
      }
      if (p.nextToken() != JsonToken.END_ARRAY) {
        throw new RpcCodecException(binding.rpc.describe() + " takes " + count + " arguments, got more");
      }
      if (p.nextToken() != null) {
        throw new RpcCodecException("bytes after the arguments of " + binding.rpc.describe());
      }
    } catch (RpcCodecException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RpcCodecException("could not decode the arguments of " + binding.rpc.describe() + ": "
          + firstLine(e), e);
    }
    return args;
  }

  @Override
  public byte[] encodeResult(Method method, Object value) {
    Binding binding = binding(method);
    if (binding.rpc.shape().returnsNothing()) {
      return NOTHING;
    }
    try {
      return binding.resultWriter.writeValueAsBytes(value);
    } catch (RuntimeException | StackOverflowError e) {
      throw new RpcCodecException("could not encode the result of " + binding.rpc.describe() + ": "
          + firstLine(e), e);
    }
  }

  @Override
  public Object decodeResult(Method method, byte[] bytes) {
    Binding binding = binding(method);
    Objects.requireNonNull(bytes, "bytes");
    if (binding.rpc.shape().returnsNothing()) {
      if (bytes.length != 0) {
        throw new RpcCodecException(binding.rpc.describe() + " returns nothing, but " + bytes.length
            + " result bytes arrived");
      }
      return null;
    }
    if (bytes.length == 0) {
      throw new RpcCodecException("empty result for " + binding.rpc.describe() + ", which returns a value");
    }
    try {
      return binding.resultReader.readValue(bytes);
    } catch (RuntimeException e) {
      throw new RpcCodecException("could not decode the result of " + binding.rpc.describe() + ": "
          + firstLine(e), e);
    }
  }

  private Binding binding(Method method) {
    Objects.requireNonNull(method, "method");
    Binding binding = bindings.get(method);
    if (binding == null) {
      binding = bindings.computeIfAbsent(method, this::bind);
    }
    return binding;
  }

  private Binding bind(Method method) {
    RpcMethod rpc;
    try {
      rpc = RpcMethod.of(method);
    } catch (IllegalArgumentException e) {
      throw new RpcCodecException(e.getMessage(), e);
    }
    Type[] parameters = method.getGenericParameterTypes();
    ObjectReader[] readers = new ObjectReader[parameters.length];
    ObjectWriter[] writers = new ObjectWriter[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      JavaType type = mapper.constructType(parameters[i]);
      // Each argument is one element of the array: the tokens after it belong to the next one.
      readers[i] = mapper.readerFor(type).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
      writers[i] = mapper.writerFor(type);
    }
    ObjectReader resultReader = null;
    ObjectWriter resultWriter = null;
    if (!rpc.shape().returnsNothing()) {
      JavaType type = mapper.constructType(rpc.valueType());
      resultReader = mapper.readerFor(type);
      resultWriter = mapper.writerFor(type);
    }
    return new Binding(rpc, parameters, readers, writers, resultReader, resultWriter);
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Readers and writers for one method, built once: looking them up per call would dominate small calls. */
  private record Binding(RpcMethod rpc, Type[] parameters, ObjectReader[] readers,
      ObjectWriter[] writers, ObjectReader resultReader, ObjectWriter resultWriter) {}

  /** Refuses every class-name type id: the bytes must never choose a class. */
  private static final class DenyAllTypeIds extends PolymorphicTypeValidator.Base {
    @Override
    public Validity validateBaseType(DatabindContext ctxt, JavaType baseType) {
      return Validity.DENIED;
    }

    @Override
    public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
      return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
      return Validity.DENIED;
    }
  }
}
