print("casework")
