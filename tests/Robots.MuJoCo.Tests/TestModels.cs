namespace Control.Robots.MuJoCo.Tests;

/// <summary>Small MJCF models written for the tests.</summary>
internal static class TestModels
{
    /// <summary>A damped pendulum on a hinge with one motor (Euclidean state, nq = nv = 1).</summary>
    public const string Pendulum = """
        <mujoco model="test-pendulum">
          <option timestep="0.01" integrator="RK4"/>
          <worldbody>
            <body name="pole">
              <joint name="hinge" type="hinge" axis="0 1 0" damping="0.05"/>
              <geom type="capsule" fromto="0 0 0 0 0 -0.5" size="0.02" mass="1"/>
              <site name="tip" pos="0 0 -0.5"/>
            </body>
          </worldbody>
          <actuator><motor name="torque" joint="hinge" gear="1" ctrllimited="true" ctrlrange="-2 2"/></actuator>
          <sensor><jointpos name="angle" joint="hinge"/></sensor>
        </mujoco>
        """;

    /// <summary>A free box above a floor with a pushing motor on a hinged flap: quaternion state and contacts.</summary>
    public const string FreeBody = """
        <mujoco model="test-free-body">
          <option timestep="0.005"/>
          <worldbody>
            <geom name="floor" type="plane" size="5 5 0.1"/>
            <body name="box" pos="0 0 0.3">
              <freejoint name="root"/>
              <geom type="box" size="0.1 0.15 0.05" mass="1"/>
              <body name="flap" pos="0.1 0 0">
                <joint name="flap" type="hinge" axis="0 1 0" range="-1 1" limited="true" damping="0.01"/>
                <geom type="capsule" fromto="0 0 0 0.1 0 0" size="0.02" mass="0.1"/>
              </body>
            </body>
          </worldbody>
          <actuator><motor name="flap" joint="flap" gear="1" ctrllimited="true" ctrlrange="-1 1"/></actuator>
        </mujoco>
        """;
}
