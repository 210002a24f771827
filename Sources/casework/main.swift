import CaseworkCLI

Casework.main()
