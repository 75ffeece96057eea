import TalonAgent
