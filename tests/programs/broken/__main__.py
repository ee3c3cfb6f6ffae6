import pulumi

pulumi.export("x", 1)
raise RuntimeError("boom: the program failed")
