package io.barrel.p2p.autoconfigure.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.autoconfigure.rpc.api.Greeter;
import io.barrel.p2p.autoconfigure.rpc.api.Inventory;
import io.barrel.p2p.autoconfigure.rpc.api.Item;
import io.barrel.p2p.autoconfigure.rpc.api.OutOfStock;
import io.barrel.p2p.autoconfigure.rpc.api.Reservation;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.spring.ImportP2pServices;
import io.barrel.p2p.spring.P2pService;
import io.barrel.p2p.spring.P2pServiceClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

/**
 * Ahead-of-time processing of an application that serves one interface and calls another: the
 * runtime hints a native image needs, and generated bean definitions that still give the proxies.
 */
class ServiceTypesAotProcessorTest {

  @TempDir
  Path dir;

  /** Serves {@link Greeter}. */
  @P2pService
  public static class GreeterService implements Greeter {
    @Override
    public String greet(String name) {
      return "hello " + name;
    }
  }

  /** The application: serves Greeter, calls Inventory. */
  @Configuration(proxyBeanMethods = false)
  @ImportP2pServices(group = "shop", types = Inventory.class)
  public static class App {
    @Bean
    public GreeterService greeter() {
      return new GreeterService();
    }
  }

  private record Generated(RuntimeHints hints, InMemoryGeneratedFiles files, ClassName initializer) {}

  private static Generated generate() {
    InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
    DefaultGenerationContext generation = new DefaultGenerationContext(
        new ClassNameGenerator(ClassName.get(App.class)), files);
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.register(App.class);
    ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
    generation.writeGeneratedContent();
    return new Generated(generation.getRuntimeHints(), files, initializer);
  }

  @Test
  void everyServedAndCalledInterfaceGetsItsProxyReflectionAndCodecHints() throws Exception {
    RuntimeHints hints = generate().hints();

    for (Class<?> type : List.of(Greeter.class, Inventory.class)) {
      assertThat(RuntimeHintsPredicates.proxies().forInterfaces(type)).as(type.getSimpleName()).accepts(hints);
    }
    assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Greeter.class, "greet")).accepts(hints);
    assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Inventory.class, "reserve")).accepts(hints);
    // Arguments and results, nested and inside generic types (CompletableFuture<List<Item>>), for the codec.
    assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Item.class, "sku")).accepts(hints);
    assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Reservation.class, "item")).accepts(hints);
    // The declared exception is rebuilt on the caller through its public constructor.
    assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(OutOfStock.class.getConstructor(String.class)))
        .accepts(hints);
  }

  @Test
  void theGeneratedBeanDefinitionsStillGiveTheProxies() throws Exception {
    Generated generated = generate();
    Path sources = dir.resolve("src");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> files = new ArrayList<>();
    generated.files().getGeneratedFiles(GeneratedFiles.Kind.SOURCE).forEach((name, content) -> {
      Path file = sources.resolve(name);
      write(file, content);
      files.add(file.toString());
    });
    assertThat(String.join("\n", sources(generated))).contains("P2pServiceClientFactoryBean")
        .contains("Inventory.class").contains("addQualifier");

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
        System.getProperty("java.class.path"), "-proc:none", "-nowarn"));
    arguments.addAll(files);
    assertThat(javac.run(null, null, null, arguments.toArray(String[]::new))).as("generated code compiles").isZero();

    Inventory stub = (Inventory) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Inventory.class},
        (proxy, method, args) -> method.getName().equals("toString") ? "stub" : null);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        GenericApplicationContext context = new GenericApplicationContext()) {
      @SuppressWarnings("unchecked")
      ApplicationContextInitializer<GenericApplicationContext> initializer =
          (ApplicationContextInitializer<GenericApplicationContext>) loader
              .loadClass(generated.initializer().reflectionName()).getDeclaredConstructor().newInstance();
      initializer.initialize(context);
      context.registerBean(P2pServiceClients.class, (Supplier<P2pServiceClients>) () -> new FixedClients(stub));
      context.refresh();
      assertThat(context.getBean(Inventory.class)).isSameAs(stub);
      assertThat(context.getBean(GreeterService.class).greet("aot")).isEqualTo("hello aot");
    }
  }

  private static List<String> sources(Generated generated) {
    List<String> out = new ArrayList<>();
    generated.files().getGeneratedFiles(GeneratedFiles.Kind.SOURCE).forEach((name, content) -> {
      try (var in = content.getInputStream()) {
        out.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return out;
  }

  private static void write(Path file, org.springframework.core.io.InputStreamSource content) {
    try (var in = content.getInputStream()) {
      Files.createDirectories(file.getParent());
      Files.write(file, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Hands out one proxy, as the starter's clients would. */
  private record FixedClients(Inventory inventory) implements P2pServiceClients {
    @Override
    public <T> T client(String group, Class<T> serviceInterface) {
      assertThat(group).isEqualTo("shop");
      return serviceInterface.cast(inventory);
    }

    @Override
    public CallOptions options(String group) {
      return CallOptions.defaults();
    }

    @Override
    public Map<String, Set<Class<?>>> groups() {
      return Map.of("shop", Set.of(Inventory.class));
    }
  }
}
