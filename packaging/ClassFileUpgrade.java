import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@code java packaging/ClassFileUpgrade.java RELEASE JAR...}: rewrites, in place, every class file
 * of each JAR older than class-file version 50 (Java 6) to the class-file version of Java RELEASE,
 * with the stack map frames that version requires, computed by the JDK's class-file API. Nothing
 * else changes: the same bytecode, constant pool entries, attributes, jar entries and their order
 * and times. A jar with no such class is left as it is (not even touched).
 *
 * <p>Why: the JDK's AOT cache (packaging/aot-train) can neither hold nor AOT-link a class older than
 * version 50 (such classes need the old type-inferring verifier at run time: "Old class has been
 * linked" at the cache's creation), so they are loaded, parsed and verified from the jar at every
 * start. picocli targets Java 5 (version 49) and is the largest library a start loads; upgraded, its
 * classes are verified once, with the split verifier, when the cache is made, and are loaded from
 * the cache. Run by the daemon and dist builds on their copies of the runtime jars (never on the
 * Maven repository's). BENCHMARKS.md, "Start-up and footprint", has the figures.
 */
public final class ClassFileUpgrade {
    /** Class-file version 50 (Java 6) introduced StackMapTable and the split verifier (JVMS 4.10.1). */
    private static final int FIRST_WITH_STACK_MAPS = ClassFile.JAVA_6_VERSION;

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java ClassFileUpgrade.java RELEASE JAR...  (e.g. 25 target/lib/picocli-4.7.7.jar)");
            System.exit(2);
        }
        int release = Integer.parseInt(args[0]);
        int major = ClassFile.JAVA_1_VERSION + release - 1; // 45 is Java 1.0 and 1.1; 69 is Java 25
        if (release < 6 || major > ClassFile.latestMajorVersion()) {
            throw new IllegalArgumentException("release " + release + " is not one this JDK (up to "
                    + (ClassFile.latestMajorVersion() - ClassFile.JAVA_1_VERSION + 1) + ") can write");
        }
        for (int i = 1; i < args.length; i++) {
            Path jar = Path.of(args[i]);
            int upgraded = upgrade(jar, major);
            System.out.println(jar + ": " + (upgraded == 0 ? "no class older than version " + FIRST_WITH_STACK_MAPS
                    : upgraded + " classes upgraded to version " + major));
        }
    }

    /** Rewrites {@code jar} in place; returns how many classes it upgraded (0: the file is untouched). */
    static int upgrade(Path jar, int major) throws IOException {
        Map<ZipEntry, byte[]> entries = new LinkedHashMap<>();
        Map<String, byte[]> classes = new LinkedHashMap<>(); // by internal name, for the hierarchy
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : zip.stream().toList()) {
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                entries.put(e, bytes);
                // Versioned entries (META-INF/versions/N/) are for newer runtimes and already newer.
                if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                    classes.put(e.getName().substring(0, e.getName().length() - ".class".length()), bytes);
                }
            }
        }
        // Stack maps name the common supertypes of merged frames: the jar's own classes, then the JDK's.
        ClassHierarchyResolver hierarchy = ClassHierarchyResolver.ofResourceParsing((ClassDesc d) -> {
            String desc = d.descriptorString(); // Lpkg/Name;
            byte[] b = classes.get(desc.substring(1, desc.length() - 1));
            return b == null ? null : new ByteArrayInputStream(b);
        }).orElse(ClassHierarchyResolver.defaultResolver()).cached();
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(hierarchy), ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
        // Every method body is rebuilt (not copied) so its frames are computed; the version is the new one.
        ClassTransform transform = (builder, element) -> {
            switch (element) {
                case ClassFileVersion v -> builder.withVersion(major, 0);
                case MethodModel m when m.code().isPresent() -> builder.transformMethod(m, MethodTransform.transformingCode(CodeTransform.ACCEPT_ALL));
                default -> builder.with(element);
            }
        };
        int upgraded = 0;
        for (Map.Entry<ZipEntry, byte[]> e : entries.entrySet()) {
            if (!e.getKey().getName().endsWith(".class") || e.getKey().getName().startsWith("META-INF/")) continue;
            ClassModel model = cf.parse(e.getValue());
            if (model.majorVersion() >= FIRST_WITH_STACK_MAPS) continue;
            byte[] rewritten = cf.transformClass(model, transform);
            // Checked here rather than at the first start that loads it: the frames must verify.
            var errors = cf.verify(rewritten);
            if (!errors.isEmpty()) throw new IllegalStateException(e.getKey().getName() + " does not verify after the upgrade: " + errors.getFirst());
            e.setValue(rewritten);
            upgraded++;
        }
        if (upgraded == 0) return 0;
        Path temporary = Files.createTempFile(jar.toAbsolutePath().getParent(), jar.getFileName().toString(), ".tmp");
        try (OutputStream file = Files.newOutputStream(temporary); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<ZipEntry, byte[]> e : entries.entrySet()) {
                ZipEntry copy = new ZipEntry(e.getKey().getName());
                copy.setTime(e.getKey().getTime()); // the same times: the jar stays reproducible
                out.putNextEntry(copy);
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException | RuntimeException failure) {
            Files.deleteIfExists(temporary);
            throw failure;
        }
        Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return upgraded;
    }
}
