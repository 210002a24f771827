import CaseworkCLI

Casework.runMain()
