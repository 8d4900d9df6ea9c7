import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;

/**
 * The few Helm commands the chart test needs, through helm-java (Helm's own Go code as a native
 * library), since helm-java ships no command line. Run as a single-file source program:
 *   java -cp <helm-java jars> helm-cli.java lint <chart>
 *   java -cp <helm-java jars> helm-cli.java template <chart> <release> <namespace> [values.yaml...]
 * Exit 0 on success; 1 with Helm's messages on stderr otherwise.
 */
public class HelmCli {
  public static void main(String[] args) {
    try {
      switch (args.length > 0 ? args[0] : "") {
        case "lint" -> lint(Path.of(args[1]));
        case "template" -> template(args);
        default -> fail("usage: lint <chart> | template <chart> <release> <namespace> [values.yaml...]");
      }
    } catch (RuntimeException error) {
      fail(String.valueOf(error.getMessage()));
    }
  }

  private static void lint(Path chart) {
    // Strict: a warning (e.g. a deprecated API) fails the check too.
    LintResult result = new Helm(chart).lint().strict().call();
    result.getMessages().forEach(System.out::println);
    if (result.isFailed()) fail("helm lint failed");
  }

  private static void template(String[] args) {
    TemplateCommand command = new Helm(Path.of(args[1])).template().withName(args[2]).withNamespace(args[3]);
    for (int i = 4; i < args.length; i++) command = command.withValuesFile(Path.of(args[i]));
    System.out.print(command.call());
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(1);
  }
}
