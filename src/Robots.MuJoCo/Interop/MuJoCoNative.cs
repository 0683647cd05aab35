// P/Invoke declarations of our C shim (native/control_mujoco.c). Every call that can reach mju_error returns a
// status (0 ok, -1 MuJoCo error with its text in cm_last_error); the managed wrappers turn it into exceptions.
using System.Runtime.InteropServices;

namespace Control.Robots.MuJoCo.Interop;

internal static unsafe partial class MuJoCoNative
{
    internal const string Library = "control_mujoco";

    [LibraryImport(Library, EntryPoint = "cm_init")] internal static partial int Init();
    [LibraryImport(Library, EntryPoint = "cm_last_error")] internal static partial byte* LastError();
    [LibraryImport(Library, EntryPoint = "cm_last_warning")] internal static partial byte* LastWarning();

    [LibraryImport(Library, EntryPoint = "cm_load_file", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr LoadFile(string path, byte* error, int errorSize);
    [LibraryImport(Library, EntryPoint = "cm_load_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr LoadString(string xml, string fileName, byte* error, int errorSize);
    [LibraryImport(Library, EntryPoint = "cm_delete_model")] internal static partial void DeleteModel(IntPtr model);
    [LibraryImport(Library, EntryPoint = "cm_model_sizes")] internal static partial void ModelSizes(IntPtr model, int* sizes);
    [LibraryImport(Library, EntryPoint = "cm_model_timestep")] internal static partial double ModelTimeStep(IntPtr model);
    [LibraryImport(Library, EntryPoint = "cm_model_ctrlrange")] internal static partial void ModelControlRange(IntPtr model, double* range);
    [LibraryImport(Library, EntryPoint = "cm_model_joints")] internal static partial void ModelJoints(IntPtr model, int* type, int* qposAddress, int* dofAddress);
    [LibraryImport(Library, EntryPoint = "cm_model_sensors")] internal static partial void ModelSensors(IntPtr model, int* address, int* dimension);
    [LibraryImport(Library, EntryPoint = "cm_model_qpos0")] internal static partial void ModelQpos0(IntPtr model, double* qpos0);
    [LibraryImport(Library, EntryPoint = "cm_model_body_mass")] internal static partial double ModelBodyMass(IntPtr model, int body);
    [LibraryImport(Library, EntryPoint = "cm_name_to_id", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int NameToId(IntPtr model, int type, string name);

    [LibraryImport(Library, EntryPoint = "cm_make_data")] internal static partial IntPtr MakeData(IntPtr model);
    [LibraryImport(Library, EntryPoint = "cm_delete_data")] internal static partial void DeleteData(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_qpos")] internal static partial double* DataQpos(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_qvel")] internal static partial double* DataQvel(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_act")] internal static partial double* DataAct(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_ctrl")] internal static partial double* DataCtrl(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_sensordata")] internal static partial double* DataSensorData(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_site_xpos")] internal static partial double* DataSitePositions(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_site_xmat")] internal static partial double* DataSiteFrames(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_xpos")] internal static partial double* DataBodyPositions(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_xquat")] internal static partial double* DataBodyQuaternions(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_qacc")] internal static partial double* DataQacc(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_time")] internal static partial double DataTime(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_ncon")] internal static partial int DataContactCount(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_data_warnings")] internal static partial int DataWarnings(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_clear_warnings")] internal static partial void ClearWarnings(IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_reset_data")] internal static partial int ResetData(IntPtr model, IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_forward")] internal static partial int Forward(IntPtr model, IntPtr data);
    [LibraryImport(Library, EntryPoint = "cm_step")] internal static partial int Step(IntPtr model, IntPtr data, int steps);
    [LibraryImport(Library, EntryPoint = "cm_transition")]
    internal static partial int Transition(IntPtr model, IntPtr data, double* x, double* u, double* next, int* warnings);
    [LibraryImport(Library, EntryPoint = "cm_set_state_forward")]
    internal static partial int SetStateForward(IntPtr model, IntPtr data, double* x, double* u);
    [LibraryImport(Library, EntryPoint = "cm_set_state_kinematics")]
    internal static partial int SetStateKinematics(IntPtr model, IntPtr data, double* x);
    [LibraryImport(Library, EntryPoint = "cm_transition_fd")]
    internal static partial int TransitionFd(IntPtr model, IntPtr data, double* x, double* u, double epsilon, int centered,
        double* next, double* a, double* b, int* warnings);
    [LibraryImport(Library, EntryPoint = "cm_integrate_pos")] internal static partial void IntegratePos(IntPtr model, double* qpos, double* qvel);
    [LibraryImport(Library, EntryPoint = "cm_differentiate_pos")]
    internal static partial void DifferentiatePos(IntPtr model, double* qvel, double* qpos0, double* qpos1);

    /// <summary>The shim's last error text on this thread.</summary>
    internal static string LastErrorText() => Marshal.PtrToStringUTF8((IntPtr)LastError()) ?? "";

    /// <summary>The shim's last warning text on this thread.</summary>
    internal static string LastWarningText() => Marshal.PtrToStringUTF8((IntPtr)LastWarning()) ?? "";
}
