import Testing
@testable import ClusterProbe

@Suite struct KubectlDiagnosisTests {
    @Test(arguments: [
        ("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?", "cluster unreachable: connection refused"),
        ("Unable to connect to the server: dial tcp 127.0.0.1:6443: i/o timeout", "cluster unreachable: timed out"),
        ("error: You must be logged in to the server (Unauthorized)", "cluster refused the credentials (Unauthorized)"),
        ("error: stat /home/u/devenv/.devenv/kubeconfig: no such file or directory", "no kubeconfig yet (.devenv/kubeconfig): run `vagrant up`"),
        ("error: context \"kind\" does not exist", "context \"kind\" does not exist"),
        ("Error from server (NotFound): persistentvolumeclaims \"mysql-data\" not found", "kubectl: Error from server (NotFound): persistentvolumeclaims \"mysql-data\" not found"),
    ])
    func explains(message: String, expected: String) {
        #expect(KubectlDiagnosis.explain(message) == expected)
    }
}
