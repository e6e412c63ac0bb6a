import Foundation
import Testing
@testable import ClusterProbe

/// Problems carry a kind: views branch on it, never on the wording.
@Suite struct ProblemTests {
    @Test(arguments: [
        ("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?", ProblemKind.unreachable),
        ("Unable to connect to the server: dial tcp 127.0.0.1:6443: i/o timeout", .unreachable),
        ("Unable to connect to the server: dial tcp: lookup nowhere: no such host", .unreachable),
        ("error: stat /home/u/devenv/.devenv/kubeconfig: no such file or directory", .noKubeconfig),
        ("error: You must be logged in to the server (Unauthorized)", .credentials),
        ("Unable to connect to the server: x509: certificate signed by unknown authority", .credentials),
        ("error: context \"kind\" does not exist", .noKubeconfig),
        ("Error from server (NotFound): pods \"x\" not found", .failed),
    ])
    func kubectlMessages(message: String, kind: ProblemKind) {
        let problem = KubectlDiagnosis.problem(message: message)
        #expect(problem.kind == kind)
        #expect(problem.text == KubectlDiagnosis.explain(message))
    }

    @Test func commandErrorsHaveTheirKind() {
        #expect(KubectlDiagnosis.problem(.notFound(tool: "kubectl")).kind == .toolMissing)
        #expect(KubectlDiagnosis.problem(.timedOut(tool: "kubectl", after: .seconds(5))).kind == .timedOut)
        #expect(KubectlDiagnosis.problem(.malformedOutput(tool: "kubectl", reason: "not JSON")).kind == .malformedOutput)
    }

    @Test func aSourceKeepsTheKindUntilItSucceedsAndSaysItInJSON() throws {
        var state = SourceState<Int>()
        state.fail(Problem(.unreachable, "cluster unreachable: connection refused"), at: 10)
        #expect(state.error == "cluster unreachable: connection refused" && state.errorKind == .unreachable)
        let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        #expect(json.contains("\"errorKind\":\"unreachable\""))
        state.succeed(3, at: 11)
        #expect(state.error == nil && state.errorKind == nil)
    }
}
