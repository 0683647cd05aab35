namespace Control.Robots.MuJoCo.Tests;

public sealed class MuJoCoModelTests
{
    [Fact]
    public void The_library_is_MuJoCo_2_2_2() => Assert.Equal(222, MuJoCoLibrary.Version);

    [Fact]
    public void A_model_from_a_string_has_the_sizes_of_its_MJCF()
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.FreeBody, "free.xml");
        Assert.Equal((8, 7, 1, 0), (model.Nq, model.Nv, model.Nu, model.Na));
        Assert.True(model.HasQuaternions);
        Assert.Equal(0.005, model.TimeStep);
        Assert.Equal(MuJoCoJointType.Free, model.Joints[0].Type);
        Assert.Equal((7, 6), (model.Joints[1].QposAddress, model.Joints[1].DofAddress));
        Assert.Equal(-1.0, model.ControlBounds.Low[0]);
        Assert.Equal(1.0, model.ControlBounds.High[0]);
        Assert.Equal(1.0, model.BodyMass(model.Id(MuJoCoObject.Body, "box")), 12);
    }

    [Fact]
    public void Malformed_XML_raises_MuJoCos_message_with_the_line()
    {
        string broken = TestModels.Pendulum.Replace("<geom type=\"capsule\"", "<geom type=\"capsule\" bogus=\"1\"");
        var error = Assert.Throws<MuJoCoModelException>(() => MuJoCoModel.FromXml(broken, "broken.xml"));
        Assert.Contains("broken.xml", error.Message);
        Assert.Contains("line", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("bogus", error.Message);

        var unclosed = Assert.Throws<MuJoCoModelException>(() => MuJoCoModel.FromXml("<mujoco><worldbody>", "unclosed.xml"));
        Assert.Contains("unclosed.xml", unclosed.Message);
    }

    [Fact]
    public void A_missing_file_or_mesh_is_named()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.xml");
        var error = Assert.Throws<MuJoCoModelException>(() => MuJoCoModel.FromFile(missing));
        Assert.Contains(missing, error.Message);

        string directory = Directory.CreateTempSubdirectory("control-mjcf-").FullName;
        try
        {
            string file = Path.Combine(directory, "with-mesh.xml");
            File.WriteAllText(file, """
                <mujoco><asset><mesh name="m" file="absent-part.stl"/></asset>
                <worldbody><body><freejoint/><geom type="mesh" mesh="m"/></body></worldbody></mujoco>
                """);
            var mesh = Assert.Throws<MuJoCoModelException>(() => MuJoCoModel.FromFile(file));
            Assert.Contains("absent-part.stl", mesh.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Unknown_names_are_typed_errors()
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.Pendulum);
        Assert.Equal(-1, model.TryId(MuJoCoObject.Site, "nowhere"));
        var error = Assert.Throws<MuJoCoModelException>(() => model.Id(MuJoCoObject.Site, "nowhere"));
        Assert.Contains("no site named 'nowhere'", error.Message);
        Assert.Equal((0, 1), model.Sensor("angle"));
    }

    [Fact]
    public void A_missing_shim_says_how_to_install_MuJoCo()
    {
        MuJoCoNotInstalledException? error = MuJoCoLibrary.Probe("/nonexistent/libcontrol_mujoco.so");
        Assert.NotNull(error);
        Assert.StartsWith("MuJoCo is not installed: apt-get install libmujoco-dev", error.Message);

        string fake = Path.Combine(Path.GetTempPath(), $"libcontrol_mujoco-{Guid.NewGuid():N}.so");
        File.WriteAllText(fake, "not a shared object");
        try
        {
            Assert.Contains("apt-get install libmujoco-dev", MuJoCoLibrary.Probe(fake)!.Message);
        }
        finally
        {
            File.Delete(fake);
        }
    }

    [Fact]
    public void An_error_inside_MuJoCo_is_an_exception_and_the_data_stays_usable()
    {
        // 100 mjtNums of stack hold a contact-free step but not the contact solver's scratch: MuJoCo calls
        // mju_error ("Stack overflow"), which by default ends the process. The shim's guard makes it an exception.
        const string tiny = """
            <mujoco><size nstack="100"/><worldbody><geom type="plane" size="5 5 0.1"/>
            <body pos="0 0 0.3"><freejoint/><geom type="box" size="0.1 0.15 0.05" mass="1"/></body></worldbody></mujoco>
            """;
        using MuJoCoModel model = MuJoCoModel.FromXml(tiny, "tiny-stack.xml");
        using MuJoCoData data = model.CreateData();
        data.Qpos[2] = 0.04;
        var error = Assert.Throws<MuJoCoException>(() => data.Step());
        Assert.Contains("tiny-stack.xml", error.Message);
        Assert.Contains("stack", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<MuJoCoException>(() => data.Step());

        using MuJoCoModel normal = MuJoCoModel.FromXml(TestModels.FreeBody);
        using MuJoCoData other = normal.CreateData();
        other.Step(10);
        Assert.True(double.IsFinite(other.Qpos[2]));
    }
}
